import Common
import Foundation
import Logging
import SegmentLog

/// Loads, rebuilds and saves the ``VersionIndex`` of one stream.
///
/// The saved file (``VersionIndexFile``) is only a cache: it records the highest segment it covers, and
/// any newer sealed segment (a crash after a seal, before the save) is folded in from disk on load. A
/// missing or damaged file is rebuilt from the segments.
struct StreamIndexStore {
    let log: StagingLog
    let stream: StreamID
    let keyColumns: [String]
    let logger: Logger

    private var path: String { log.streamDirectory(stream) + "/" + VersionIndexFile.fileName }

    /// The index over every key of the stream (snapshot and swept tables).
    func loadAll(manifests: [Manifest]) throws -> VersionIndex {
        var index = VersionIndex()
        var covers: UInt64 = 0
        if FileSystem.exists(path) {
            if let decoded = VersionIndexFile.decode(try FileSystem.readFile(path)) {
                index = decoded.index
                covers = decoded.coversSequence
            } else {
                logger.warning("Version index damaged; rebuilding from segments", metadata: ["stream": "\(stream)"])
            }
        }
        if covers > (manifests.last?.sequence ?? 0) {
            // The index claims segments that are not sealed: never trust it.
            logger.warning("Version index is ahead of the log; rebuilding", metadata: ["stream": "\(stream)"])
            index = VersionIndex()
            covers = 0
        }
        for manifest in manifests where manifest.sequence > covers {
            try fold(manifest, into: &index)
        }
        return index
    }

    /// An index over the rows of the given segments only (the look-back horizon of append-mostly tables).
    func loadWindow(_ manifests: [Manifest]) throws -> VersionIndex {
        var index = VersionIndex()
        for manifest in manifests { try fold(manifest, into: &index) }
        return index
    }

    func save(_ index: VersionIndex, coversSequence: UInt64) throws {
        try FileSystem.writeAtomically(VersionIndexFile.encode(index, coversSequence: coversSequence), to: path)
    }

    /// Reads every row of a sealed segment and records its key's version.
    ///
    /// A date-cursor stream folds its look-back segments on every run, and a rowversion stream its last two
    /// (the re-read overlap, 200,000 GenTransaction rows) whenever a run may re-read them. Each row's
    /// `_version`, `_deleted` and key values are read where they lie (``ColumnValueScanner``) and hashed with one
    /// reused ``VersionIndex/Digester``; decoding every row with `JSONSerialization` took ~5 s for two segments
    /// and raised the extract's peak RSS to 76 MB. A row whose wanted values hold an escape, or that lacks one of
    /// them, is decoded in full (``foldDecoded(_:row:manifest:into:)``), which also names what is wrong with it.
    private func fold(_ manifest: Manifest, into index: inout VersionIndex) throws {
        let names = [Array("_version".utf8), Array("_deleted".utf8)] + keyColumns.map { Array($0.utf8) }
        var digester = VersionIndex.Digester()
        var keys = [String](repeating: "", count: keyColumns.count)
        // One bit per wanted name; a stream with 62 key columns or more takes the general path.
        let everyName: UInt64 = names.count < 64 ? (1 << UInt64(names.count)) - 1 : 0
        try log.withReader(manifest) { reader in
            try reader.forEachRow(from: 0) { line, row in
                let bytes = line.assumingMemoryBound(to: UInt8.self)
                var version: String?
                var deleted: Bool?
                var seen: UInt64 = 0
                var plain =
                    everyName != 0 && bytes.count >= 2 && bytes.first == UInt8(ascii: "{")
                    && bytes.last == UInt8(ascii: "}")
                if plain {
                    let members = UnsafeBufferPointer(rebasing: bytes[1..<bytes.count - 1])
                    let wellFormed = ColumnValueScanner.scan(names, in: members) { slot, value, isString in
                        guard plain, let value else {
                            plain = false
                            return
                        }
                        let text = UnsafeBufferPointer(rebasing: members[value])
                        switch slot {
                        case 1:
                            guard !isString, let flag = Self.literal(text) else {
                                plain = false
                                return
                            }
                            deleted = flag
                        default:
                            guard isString, !text.contains(UInt8(ascii: "\\")) else {
                                plain = false
                                return
                            }
                            let string = String(decoding: text, as: UTF8.self)
                            if slot == 0 { version = string } else { keys[slot - 2] = string }
                        }
                        seen |= 1 << UInt64(slot)
                    }
                    plain = plain && wellFormed
                }
                if plain, seen == everyName, let version, let deleted {
                    index.record(
                        key: digester.key(keys),
                        keyText: keys.joined(separator: "\u{0}"),
                        version: digester.version(version),
                        deleted: deleted
                    )
                } else {
                    try foldDecoded(line, row: row, manifest: manifest, into: &index)
                }
                return true
            }
        }
    }

    /// `true` or `false` for those JSON literals, else `nil`.
    private static func literal(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        if text.elementsEqual("true".utf8) { return true }
        if text.elementsEqual("false".utf8) { return false }
        return nil
    }

    /// Records one row decoded in full: the general path of ``fold(_:into:)``.
    private func foldDecoded(
        _ line: UnsafeRawBufferPointer,
        row: Int64,
        manifest: Manifest,
        into index: inout VersionIndex
    ) throws {
        let object = try JSONSerialization.jsonObject(with: Data(line))
        guard let fields = object as? [String: Any], let version = fields["_version"] as? String else {
            throw SysproBQError(
                .corruption,
                "Row \(row) of \(manifest.segmentFileName) in \(stream) has no _version",
                disposition: .needsHuman
            )
        }
        var keys: [String] = []
        keys.reserveCapacity(keyColumns.count)
        for column in keyColumns {
            guard let value = fields[column] as? String else {
                throw SysproBQError(
                    .corruption,
                    "Row \(row) of \(manifest.segmentFileName) in \(stream) has no string key column \(column)",
                    disposition: .needsHuman
                )
            }
            keys.append(value)
        }
        index.record(keyValues: keys, version: version, deleted: fields["_deleted"] as? Bool ?? false)
    }
}
