internal import Common

/// A stream's load journal: what BigQuery acknowledged, row by row range (docs/staging-format.md §8).
///
/// Load appends through a ``JournalAppender`` (``openAppender()`` or the one-shot ``append(_:)``), which
/// holds the stream's journal lock; anyone may read at any time with ``contents()`` or ``state()``.
///
/// This class is `Sendable`: it holds only immutable configuration.
public final class LoadJournal: Sendable {
    let log: StagingLog
    /// The stream whose journal this is.
    public let stream: StreamID
    /// Size at which the appender starts a new journal file.
    public let rotationBytes: Int

    /// - Parameters:
    ///   - log: the staging log holding the stream.
    ///   - stream: the stream.
    ///   - rotationBytes: start a new `journal-<n>.log` once the current one reaches this size.
    public init(log: StagingLog, stream: StreamID, rotationBytes: Int = Format.defaultJournalRotationBytes) {
        self.log = log
        self.stream = stream
        self.rotationBytes = rotationBytes
    }

    /// The journal files present, in number order.
    func files() throws -> [(number: UInt64, path: String)] {
        let directory = log.streamDirectory(stream)
        guard Files.isDirectory(directory) else { return [] }
        return try Files.list(directory).compactMap { name -> (UInt64, String)? in
            if case .journal(let number) = SegmentFileName(parsing: name) { return (number, "\(directory)/\(name)") }
            return nil
        }.sorted { $0.0 < $1.0 }
    }

    /// Every record, in order, and the torn tail if the last line is one.
    ///
    /// - Throws: `.corruption` naming the file and byte offset of a bad line that is not the torn tail.
    public func contents() throws -> JournalContents {
        let files = try files()
        var contents = JournalContents()
        for (position, file) in files.enumerated() {
            let bytes = try Files.readAll(file.path)
            let scan = JournalScanner.scan(bytes, file: file.path)
            contents.entries.append(contentsOf: scan.entries)
            if let problem = scan.unacknowledgedBadLine {
                guard position == files.count - 1, problem.isLastLine else {
                    throw SysproBQError(
                        .corruption,
                        "Load journal \(file.path) is corrupt at byte offset \(problem.offset): \(problem.reason)",
                        remedy: "The journal was altered or damaged; restore it from a backup and run verify.",
                        disposition: .needsHuman
                    )
                }
                contents.tornTail = JournalContents.TornTail(
                    file: file.path,
                    offset: problem.offset,
                    length: problem.length
                )
            }
        }
        return contents
    }

    /// Every record, in order (the torn tail, if any, is left out).
    public func records() throws -> [JournalRecord] { try contents().entries.map(\.record) }

    /// A per-segment summary of the journal.
    public func state() throws -> JournalState { JournalState(entries: try contents().entries) }

    /// Row ranges of segment `seq` acknowledged since its last `replay` record, merged and sorted.
    public func progress(_ seq: UInt64) throws -> [Range<Int64>] { try state().progress(seq) }

    /// Whether segment `seq` was fully loaded since its last `replay` record.
    public func isLoaded(_ seq: UInt64) throws -> Bool { try state().isLoaded(seq) }

    /// The archive stream directory segment `seq` was moved to, if it was archived.
    public func archiveLocation(of seq: UInt64) throws -> String? { try state().archiveLocation(seq) }

    /// Opens an appender: takes the journal lock and acknowledges a torn tail left by a crash (§8.3).
    ///
    /// - Throws: `.locked` when another process appends to this journal; `.fileSystem`.
    public func openAppender() throws -> JournalAppender {
        try Files.makeDirectories(log.streamDirectory(stream))
        let lock = try StagingLog.acquireLock(
            directory: log.streamDirectory(stream),
            name: Format.journalLockName,
            what: "load journal of \(stream)"
        )
        do {
            return try JournalAppender(journal: self, lock: lock)
        } catch {
            try? lock.release()
            throw error
        }
    }

    /// Appends `records` with one fsync, opening and closing an appender around them.
    public func append(_ records: JournalRecord...) throws {
        let appender = try openAppender()
        do {
            try appender.append(records)
        } catch {
            try? appender.close()
            throw error
        }
        try appender.close()
    }
}

/// What a journal holds. Value type, `Sendable`.
public struct JournalContents: Sendable, Hashable {
    /// A record and where it is.
    public struct Entry: Sendable, Hashable {
        public let record: JournalRecord
        /// The record's timestamp, RFC 3339 UTC.
        public let at: String
        /// The journal file holding it.
        public let file: String
        /// Byte offset of its line.
        public let offset: Int64
    }

    /// A torn last line, ignored by readers.
    public struct TornTail: Sendable, Hashable {
        public let file: String
        public let offset: Int64
        public let length: Int64
    }

    public internal(set) var entries: [Entry] = []
    public internal(set) var tornTail: TornTail?

    /// The per-segment summary of these records: what ``LoadJournal/state()`` returns, for a reader that needs
    /// the records too (without reading and checking the journal twice).
    public var state: JournalState { JournalState(entries: entries) }
}

/// A per-segment summary of a journal. Value type, `Sendable`.
public struct JournalState: Sendable, Hashable {
    private var acked: [UInt64: [Range<Int64>]] = [:]
    private var loaded: Set<UInt64> = []
    private var archived: [UInt64: String] = [:]
    private var quarantined: [UInt64: [Int64]] = [:]

    init(entries: [JournalContents.Entry]) {
        for entry in entries {
            switch entry.record {
            case .ack(let seq, let firstRow, let rowCount, _, _, _):
                acked[seq, default: []].append(firstRow..<(firstRow + rowCount))
            case .quarantine(let seq, let row, _):
                quarantined[seq, default: []].append(row)
            case .segmentLoaded(let seq, _, _, _, _):
                loaded.insert(seq)
            case .replay(let seq, _, _):
                acked[seq] = nil
                quarantined[seq] = nil
                loaded.remove(seq)
            case .archived(let seq, let location):
                archived[seq] = location
            case .torn:
                break
            }
        }
    }

    /// Acknowledged row ranges of `seq` in the current delivery, merged and sorted.
    public func progress(_ seq: UInt64) -> [Range<Int64>] {
        var merged: [Range<Int64>] = []
        for range in (acked[seq] ?? []).sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Rows of `seq` quarantined in the current delivery.
    public func quarantinedRows(_ seq: UInt64) -> [Int64] { (quarantined[seq] ?? []).sorted() }

    /// Whether `seq` was fully loaded in the current delivery.
    public func isLoaded(_ seq: UInt64) -> Bool { loaded.contains(seq) }

    /// Where `seq`'s segment was archived, if it was.
    public func archiveLocation(_ seq: UInt64) -> String? { archived[seq] }
}
