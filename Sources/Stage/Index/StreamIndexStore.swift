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
    private func fold(_ manifest: Manifest, into index: inout VersionIndex) throws {
        try log.withReader(manifest) { reader in
            try reader.forEachRow(from: 0) { line, row in
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
                return true
            }
        }
    }
}
