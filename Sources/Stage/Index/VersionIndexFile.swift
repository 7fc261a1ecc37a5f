import Common

/// The on-disk form of a ``VersionIndex``: `stage-index.bin` in the stream's directory.
///
/// Layout (all integers little-endian):
/// ```
/// magic        8 bytes  "SBQIDX1\n"
/// covers       u64      the highest segment sequence number folded into the index
/// count        u64      number of entries
/// entries      count ×  { key digest 16 bytes, version digest 16 bytes, flags u8 (bit 0 = deleted),
///                         key text length u32, key text bytes }
/// checksum     32 bytes SHA-256 of every byte before it
/// ```
/// The file is a cache written with write-temp/fsync/rename after each seal; a missing, stale or damaged file
/// is rebuilt from the segments, never trusted.
enum VersionIndexFile {
    static let fileName = "stage-index.bin"
    private static let magic: [UInt8] = Array("SBQIDX1\n".utf8)

    static func encode(_ index: VersionIndex, coversSequence: UInt64) -> [UInt8] {
        var bytes: [UInt8] = magic
        bytes.reserveCapacity(64 + index.count * 64)
        appendUInt64(coversSequence, to: &bytes)
        appendUInt64(UInt64(index.count), to: &bytes)
        let ordered = index.entries.sorted { ($0.key.high, $0.key.low) < ($1.key.high, $1.key.low) }
        for (key, entry) in ordered {
            appendUInt64(key.high, to: &bytes)
            appendUInt64(key.low, to: &bytes)
            appendUInt64(entry.version.high, to: &bytes)
            appendUInt64(entry.version.low, to: &bytes)
            bytes.append(entry.deleted ? 1 : 0)
            let text = Array(entry.keyText.utf8)
            appendUInt32(UInt32(text.count), to: &bytes)
            bytes.append(contentsOf: text)
        }
        bytes.append(contentsOf: SHA256.hash(bytes).bytes)
        return bytes
    }

    /// Decodes an index file, or returns nil when it is damaged in any way.
    static func decode(_ bytes: [UInt8]) -> (index: VersionIndex, coversSequence: UInt64)? {
        guard bytes.count >= magic.count + 16 + 32, Array(bytes[0..<magic.count]) == magic else { return nil }
        let body = Array(bytes[0..<(bytes.count - 32)])
        guard SHA256.hash(body).bytes == Array(bytes[(bytes.count - 32)...]) else { return nil }
        var reader = ByteReader(bytes: body, offset: magic.count)
        guard let covers = reader.uint64(), let count = reader.uint64() else { return nil }
        var index = VersionIndex()
        for _ in 0..<count {
            guard let keyHigh = reader.uint64(), let keyLow = reader.uint64(),
                let versionHigh = reader.uint64(), let versionLow = reader.uint64(),
                let flags = reader.uint8(), let length = reader.uint32(),
                let text = reader.bytes(Int(length))
            else { return nil }
            index.record(
                key: VersionIndex.Digest(high: keyHigh, low: keyLow),
                keyText: String(decoding: text, as: UTF8.self),
                version: VersionIndex.Digest(high: versionHigh, low: versionLow),
                deleted: flags & 1 == 1
            )
        }
        guard reader.offset == body.count else { return nil }
        return (index, covers)
    }

    private static func appendUInt64(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private struct ByteReader {
        let bytes: [UInt8]
        var offset: Int

        mutating func uint8() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for index in 0..<4 { value |= UInt32(bytes[offset + index]) << UInt32(index * 8) }
            offset += 4
            return value
        }

        mutating func uint64() -> UInt64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
            offset += 8
            return value
        }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }
    }
}
