internal import Common
internal import Logging

/// Appends records to a stream's load journal, fsyncing after each call (docs/staging-format.md §8).
///
/// Holds the journal lock from ``LoadJournal/openAppender()`` until ``close()``. On opening it acknowledges
/// a torn last line left by a crash with a `torn` record, so the journal stays append-only and readable.
///
/// This class is not thread-safe; use it from one task at a time. Call ``close()`` (which can fail)
/// before dropping it; `deinit` traps on an appender that was never closed.
public final class JournalAppender {
    private let journal: LoadJournal
    private var lock: DirectoryLock?
    private var number: UInt64
    private var size: Int64
    private var file: FileWriter?
    private var needsReopen = false

    init(journal: LoadJournal, lock: DirectoryLock) throws {
        self.journal = journal
        self.lock = lock
        number = 1
        size = 0
        do {
            try openCurrent()
        } catch {
            file?.abandon()
            file = nil
            self.lock = nil  // the caller releases it; deinit must not see a held lock
            throw error
        }
    }

    /// Opens the highest-numbered journal file for appending and acknowledges a torn tail in it (§8.3).
    /// Also run after a failed append, whose partial line is then a torn tail like a crash's.
    private func openCurrent() throws {
        guard let last = try journal.files().last else { return }
        number = last.number
        let bytes = try Files.readAll(last.path)
        size = Int64(bytes.count)
        let writer = try Files.openAppend(last.path)
        file = writer
        guard let torn = Self.tornTail(bytes) else { return }
        var repair: [UInt8] = bytes.last == Format.lineFeed ? [] : [Format.lineFeed]
        Self.appendLine(
            .torn(file: last.path, offset: torn.offset, length: torn.length),
            at: Timestamp.rfc3339(journal.log.clock.now()),
            to: &repair
        )
        try writer.write(repair)
        try writer.sync()
        size += Int64(repair.count)
        journal.log.logger.warning(
            "Torn journal tail acknowledged",
            metadata: [
                "file": "\(last.path)", "journal.offset": "\(torn.offset)", "journal.bytes": "\(torn.length)",
            ]
        )
    }

    deinit {
        precondition(lock == nil, "JournalAppender for \(journal.stream) was dropped without close()")
    }

    /// Appends `records` (stamped with the current time) and fsyncs once.
    ///
    /// - Throws: `.fileSystem` when the write or fsync fails; the records may then be partly written, which a
    ///   later appender acknowledges as a torn tail.
    public func append(_ records: [JournalRecord]) throws {
        guard lock != nil else {
            throw SysproBQError(
                .internalError,
                "The journal appender for \(journal.stream) is closed",
                disposition: .terminal
            )
        }
        guard !records.isEmpty else { return }
        if needsReopen {
            try openCurrent()
            needsReopen = false
        }
        if size >= Int64(journal.rotationBytes) { try rotate() }
        if file == nil {
            let path = journal.log.path(journal.stream, .journal(number))
            let created = !Files.exists(path)
            file = try Files.openAppend(path)
            if created { try Files.syncDirectory(journal.log.streamDirectory(journal.stream)) }
        }
        let at = Timestamp.rfc3339(journal.log.clock.now())
        var bytes: [UInt8] = []
        for record in records { Self.appendLine(record, at: at, to: &bytes) }
        do {
            try file!.write(bytes)
            try file!.sync()
        } catch {
            // Part of the records may be on disk: reopen on the next append, which acknowledges the torn line.
            file?.abandon()
            file = nil
            needsReopen = true
            throw error
        }
        size += Int64(bytes.count)
    }

    /// Appends one record; see ``append(_:)-([JournalRecord])``.
    public func append(_ record: JournalRecord) throws { try append([record]) }

    /// Closes the journal file and releases the lock.
    public func close() throws {
        guard let held = lock else { return }
        lock = nil
        var failure: (any Error)?
        if let file {
            do { try file.close() } catch { failure = error }
        }
        file = nil
        do { try held.release() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }

    private func rotate() throws {
        if let file { try file.close() }
        file = nil
        number += 1
        size = 0
    }

    static func appendLine(_ record: JournalRecord, at: String, to output: inout [UInt8]) {
        let json = record.canonicalJSON(at: at).encoded()
        output.append(contentsOf: Hex.crc32(CRC32.checksum(json)).utf8)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: json)
        output.append(Format.lineFeed)
    }

    /// The torn last line of a journal file's bytes, if there is one.
    static func tornTail(_ bytes: [UInt8]) -> (offset: Int64, length: Int64)? {
        guard !bytes.isEmpty else { return nil }
        if bytes.last != Format.lineFeed {
            let start = bytes.lastIndex(of: Format.lineFeed).map { $0 + 1 } ?? 0
            return (Int64(start), Int64(bytes.count - start))
        }
        let body = bytes.dropLast()
        let start = body.lastIndex(of: Format.lineFeed).map { $0 + 1 } ?? 0
        if case .failure = JournalScanner.check(bytes[start..<(bytes.count - 1)]) {
            return (Int64(start), Int64(bytes.count - 1 - start))
        }
        return nil
    }
}

extension LoadJournal {
    /// Records rows BigQuery rejected: appends them to `quarantine/rows-<seq>.ndjson` (fsynced), then one
    /// `quarantine` journal record per row through `appender`.
    ///
    /// - Parameters:
    ///   - seq: the segment.
    ///   - rows: each rejected row's number, stored line and BigQuery's reason.
    ///   - appender: an open appender of this journal.
    public func quarantine(
        seq: UInt64,
        rows: [(row: Int64, line: [UInt8], reason: String)],
        appender: JournalAppender
    ) throws {
        guard !rows.isEmpty else { return }
        let directory = log.quarantineDirectory(stream)
        try Files.makeDirectories(directory)
        let path = log.path(stream, .quarantinedRows(seq))
        let created = !Files.exists(path)
        let at = Timestamp.rfc3339(log.clock.now())
        var bytes: [UInt8] = []
        for row in rows {
            var json = CanonicalJSON.object([
                "at": .string(at), "reason": .string(row.reason), "rowNumber": .integer(row.row),
                "seq": .integer(Int64(seq)), "row": "",
            ]).encoded()
            // The row goes in as a JSON string of its exact bytes (it may not be valid JSON or UTF-8).
            var rowString: [UInt8] = []
            CanonicalJSON.appendString(row.line, to: &rowString)
            let emptyRow = Array(#""row":"""#.utf8)  // the member encoded above with an empty string
            if let range = json.firstRange(of: emptyRow) {
                json.replaceSubrange(range, with: Array(#""row":"#.utf8) + rowString)
            }
            bytes.append(contentsOf: json)
            bytes.append(Format.lineFeed)
        }
        let file = try Files.openAppend(path)
        do {
            try file.write(bytes)
            try file.sync()
            try file.close()
        } catch {
            file.abandon()
            throw error
        }
        if created { try Files.syncDirectory(directory) }
        try appender.append(rows.map { .quarantine(seq: seq, row: $0.row, reason: $0.reason) })
    }
}
