import Common

/// The latest staged version of each key of one stream: what lets Stage write a row only when its
/// version is new for its key (design brief decision 11), and find the keys that vanished from a
/// snapshot so it can write their tombstones.
///
/// Keys and versions are held as 16-byte SHA-256 prefixes; the key values themselves are kept too, because
/// a tombstone must name the key it deletes. The index is a cache: it can always be rebuilt from the
/// segments on disk (``StreamIndexStore``).
///
/// Memory: about 100 bytes per key plus the key text. The scope of what is indexed is chosen by the runner:
/// every key for snapshot and swept tables, only the look-back horizon for append-mostly ones.
///
/// This type is a value type and not thread-safe in use.
public struct VersionIndex: Sendable {
    /// A 128-bit digest of a key or a version.
    public struct Digest: Hashable, Sendable {
        public var high: UInt64
        public var low: UInt64

        public init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }

        /// The first 16 bytes of SHA-256 of `bytes`.
        public init(of bytes: [UInt8]) {
            let digest = SHA256.hash(bytes).bytes
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 { high = high << 8 | UInt64(digest[index]) }
            for index in 8..<16 { low = low << 8 | UInt64(digest[index]) }
            self.init(high: high, low: low)
        }
    }

    /// Computes key and version digests (the same values as ``keyDigest(_:)`` and ``versionDigest(_:)``) with
    /// one reused material buffer and a stack SHA-256 context, so the per-row path allocates nothing.
    ///
    /// This type is not thread-safe: one digester per runner.
    public struct Digester {
        private var material: [UInt8] = []

        public init() {
            material.reserveCapacity(256)
        }

        /// The digest of a key: its values, each followed by NUL.
        public mutating func key(_ keyValues: [String]) -> Digest {
            material.removeAll(keepingCapacity: true)
            for value in keyValues {
                var value = value
                value.withUTF8 { material.append(contentsOf: $0) }
                material.append(0)
            }
            return digest()
        }

        /// The digest of a version text.
        public mutating func version(_ version: String) -> Digest {
            material.removeAll(keepingCapacity: true)
            var version = version
            version.withUTF8 { material.append(contentsOf: $0) }
            return digest()
        }

        private func digest() -> Digest {
            withUnsafeTemporaryAllocation(byteCount: SHA256Digest.byteCount, alignment: 8) { output in
                material.withUnsafeBytes { SHA256.hash($0, into: output) }
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(output[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(output[index]) }
                return Digest(high: high, low: low)
            }
        }
    }

    public struct Entry: Sendable, Hashable {
        /// The key values, joined by NUL (keys never contain NUL).
        public var keyText: String
        public var version: Digest
        public var deleted: Bool

        public var keyValues: [String] {
            keyText.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    public private(set) var entries: [Digest: Entry] = [:]

    public init() {}

    public var count: Int { entries.count }

    /// The digest of a key: its values, each followed by NUL.
    public static func keyDigest(_ keyValues: [String]) -> Digest {
        var material: [UInt8] = []
        for value in keyValues {
            material.append(contentsOf: value.utf8)
            material.append(0)
        }
        return Digest(of: material)
    }

    public static func versionDigest(_ version: String) -> Digest {
        Digest(of: Array(version.utf8))
    }

    /// Whether `version` differs from the latest indexed version of the key (or the key is unknown or deleted).
    public func isNew(keyValues: [String], version: String) -> Bool {
        isNew(key: Self.keyDigest(keyValues), version: Self.versionDigest(version))
    }

    public func isNew(key: Digest, version: Digest) -> Bool {
        guard let entry = entries[key] else { return true }
        return entry.deleted || entry.version != version
    }

    /// Records that `version` of the key is now the latest staged one.
    public mutating func record(keyValues: [String], version: String, deleted: Bool) {
        record(
            key: Self.keyDigest(keyValues),
            keyText: keyValues.joined(separator: "\u{0}"),
            version: Self.versionDigest(version),
            deleted: deleted
        )
    }

    public mutating func record(key: Digest, keyText: String, version: Digest, deleted: Bool) {
        entries[key] = Entry(keyText: keyText, version: version, deleted: deleted)
    }

    /// The live (not deleted) keys that are not in `seen`.
    public func liveKeys(notIn seen: Set<Digest>) -> [(Digest, Entry)] {
        entries.filter { !$0.value.deleted && !seen.contains($0.key) }
            .sorted { $0.value.keyText.utf8.lexicographicallyPrecedes($1.value.keyText.utf8) }
            .map { ($0.key, $0.value) }
    }
}
