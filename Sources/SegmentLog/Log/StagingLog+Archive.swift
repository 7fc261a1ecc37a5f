internal import Common
internal import Foundation
internal import Logging

/// What ``StagingLog/archive(olderThan:to:streams:)`` did. Value type, `Sendable`.
public struct ArchiveReport: Sendable, Hashable {
    /// A segment moved to the archive.
    public struct Moved: Sendable, Hashable {
        public let stream: StreamID
        public let sequence: UInt64
        public let bytes: Int64
        /// The archive stream directory it now lives in.
        public let location: String
    }

    public internal(set) var moved: [Moved] = []
    /// Segments old enough but not fully loaded, so kept in place.
    public internal(set) var notLoaded: [(stream: StreamID, sequence: UInt64)] = []

    public static func == (lhs: ArchiveReport, rhs: ArchiveReport) -> Bool {
        lhs.moved == rhs.moved && lhs.notLoaded.elementsEqual(rhs.notLoaded) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(moved)
        for entry in notLoaded {
            hasher.combine(entry.stream)
            hasher.combine(entry.sequence)
        }
    }
}

extension StagingLog {
    /// Moves sealed, fully loaded segments created more than `days` days ago to `directory`
    /// (docs/staging-format.md §9).
    ///
    /// Each segment is copied to `<directory>/<company>/<table>/` (checked against its SHA-256 on the way,
    /// fsynced, renamed into place), its manifest is copied beside it, an `archived` journal record names
    /// the location, and only then is the original removed. Manifests stay in the stream directory, so
    /// the chain stays verifiable. A segment the journal does not show as fully loaded is never moved.
    ///
    /// - Parameters:
    ///   - days: the minimum age, by the manifest's `createdAt`.
    ///   - directory: the archive root.
    ///   - streams: the streams to archive; all when `nil`.
    /// - Throws: `.corruption` when a segment fails its checksum while being copied (it is not moved);
    ///   `.locked` when Load holds a stream's journal; `.fileSystem`.
    public func archive(olderThan days: Int, to directory: String, streams: [StreamID]? = nil) throws -> ArchiveReport {
        let cutoff = Timestamp.rfc3339(clock.now().addingTimeInterval(-Double(days) * 86_400))
        var report = ArchiveReport()
        for stream in try streams ?? self.streams() {
            let candidates = try manifests(of: stream).filter {
                $0.createdAt < cutoff && Files.exists(path(stream, .segment($0.sequence)))
            }
            guard !candidates.isEmpty else { continue }
            let journal = LoadJournal(log: self, stream: stream)
            let state = try journal.state()
            let target = "\(directory)/\(stream.company)/\(stream.table)"
            let appender = try journal.openAppender()
            do {
                for manifest in candidates {
                    guard state.isLoaded(manifest.sequence) else {
                        report.notLoaded.append((stream, manifest.sequence))
                        continue
                    }
                    try Files.makeDirectories(target)
                    try copySegment(manifest, to: target)
                    let manifestCopy = "\(target)/\(manifest.fileName)"
                    if !Files.exists(manifestCopy) { try Files.writeAtomically(manifestCopy, manifest.fileBytes) }
                    try appender.append(.archived(seq: manifest.sequence, location: target))
                    try Files.remove(path(stream, .segment(manifest.sequence)))
                    try Files.syncDirectory(streamDirectory(stream))
                    report.moved.append(
                        ArchiveReport.Moved(
                            stream: stream,
                            sequence: manifest.sequence,
                            bytes: manifest.compressedSize,
                            location: target
                        )
                    )
                    logger.info(
                        "Segment archived",
                        metadata: ["stream": "\(stream)", "segment.seq": "\(manifest.sequence)", "file": "\(target)"]
                    )
                }
            } catch {
                try? appender.close()
                throw error
            }
            try appender.close()
        }
        return report
    }

    /// Copies a segment into `target` through a temp file, checking size and SHA-256 against the manifest.
    private func copySegment(_ manifest: Manifest, to target: String) throws {
        let source = path(manifest.stream, .segment(manifest.sequence))
        let final = "\(target)/\(manifest.segmentFileName)"
        let temp = final + Format.tempSuffix
        if Files.exists(temp) { try Files.remove(temp) }
        let reader = try Files.openRead(source)
        defer { reader.close() }
        let hasher = SHA256Hasher()
        let writer = try Files.createNew(temp)
        do {
            var offset: Int64 = 0
            while true {
                let bytes = try reader.read(offset: offset, count: 4 << 20)
                if bytes.isEmpty { break }
                hasher.update(bytes)
                try writer.write(bytes)
                offset += Int64(bytes.count)
            }
            let actual = hasher.finalize().hex
            guard offset == manifest.compressedSize, actual == manifest.segmentSHA256 else {
                throw BlockCheck.corruption(
                    source,
                    offset: 0,
                    "the segment fails its SHA-256 or size while being archived",
                    expected: "\(manifest.compressedSize) bytes, \(manifest.segmentSHA256)",
                    actual: "\(offset) bytes, \(actual)"
                ).error
            }
            try writer.sync()
            try writer.close()
        } catch {
            writer.abandon()
            try? Files.remove(temp)
            throw error
        }
        if Files.exists(final) {
            // A previous archive run copied it and stopped before removing the original: keep the copy if equal.
            guard Hashing.sha256Hex(try Files.readAll(final)) == manifest.segmentSHA256 else {
                try? Files.remove(temp)
                throw SysproBQError(
                    .corruption,
                    "Archive file \(final) exists and differs from segment \(source)",
                    remedy: "Compare the two files; the archive copy must not be overwritten.",
                    disposition: .needsHuman
                )
            }
            try Files.remove(temp)
        } else {
            try Files.rename(temp, to: final)
        }
        try Files.syncDirectory(target)
    }
}
