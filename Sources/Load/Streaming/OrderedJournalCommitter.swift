import Common
import Foundation
import SegmentLog
import Synchronization

/// Journals insertAll results in the order their rows were read, however the requests finish.
///
/// Every unit of work gets an ordinal when it is read; results may arrive out of order from several threads,
/// and each is journaled only after every earlier unit was. So the journal's acknowledged ranges always form a
/// prefix of what was read, and a crash resumes at the first unacknowledged row. A failed unit is never
/// journaled, so nothing after it is either; every unit before it is, however late it finishes (all of them
/// finished, since the senders are drained before ``finish()``). The unjournaled rows are sent again on the
/// next run, with the same insertIds. A failed journal write stops all journaling.
///
/// Journaling happens on a writer thread of its own (group commit): a sender hands its result over and goes on
/// to its next request at once, and the writer appends every unit that is ready in one write and one fsync.
/// Before, each sender appended and fsynced under the lock, so with four requests in flight each round trip
/// also waited for up to four fsyncs in a row. A crash between BigQuery's answer and the fsync loses only
/// journal records, never rows: those rows are resent with the same insertIds, as after any crash.
///
/// Thread-safety: thread-safe; every member is guarded by `condition`. The journal appender is used only by the
/// writer thread, and by nobody after ``finish()``.
final class OrderedJournalCommitter: @unchecked Sendable {
    /// A finished unit of work.
    enum Unit {
        /// A batch of segment `seq` and what BigQuery did with it.
        case batch(seq: UInt64, sent: Int, result: BatchDelivery.Result)
        /// A row that cannot be sent at all.
        case reject(seq: UInt64, row: StagedRow, reason: String)
        /// Every row of `seq` before this unit is accounted for; journal `segmentLoaded` when `markLoaded`.
        case segmentEnd(seq: UInt64, rows: Int64, quarantinedBefore: Int, markLoaded: Bool)
    }

    /// Totals of what was journaled.
    struct Totals {
        var rowsSent = 0
        var acknowledged = 0
        var quarantined = 0
        var splits = 0
        var resentRows = 0
        var segmentsLoaded = 0
    }

    private let condition = NSCondition()
    private let journal: LoadJournal
    private let appender: JournalAppender
    private var next = 0
    private var finished: [Int: Unit] = [:]
    /// Units in read order, every earlier one already handed to the writer, waiting to be journaled.
    private var ready: [Unit] = []
    private var closed = false
    private var writerDone = false
    private var quarantinedNow: [UInt64: Int] = [:]
    private var firstFailure: (any Error)?
    /// Set when a journal write failed: nothing more may be appended.
    private var journalBroken = false
    private var totals = Totals()

    init(journal: LoadJournal, appender: JournalAppender) {
        self.journal = journal
        self.appender = appender
        let thread = Thread { [self] in write() }
        thread.name = "syspro-bq journal"
        thread.start()
    }

    /// Set with the first failure; read without the lock, since the reader asks once per row.
    private let failedFlag = Atomic<Bool>(false)

    /// Whether a unit failed; producers stop reading when it did.
    var failed: Bool { failedFlag.load(ordering: .acquiring) }

    /// The first failure, if any. Complete only after ``finish()``.
    var failure: (any Error)? { condition.withLock { firstFailure } }

    /// What was journaled. Complete only after ``finish()``.
    var summary: Totals { condition.withLock { totals } }

    /// Records that unit `ordinal` finished, and hands every unit now in order to the writer.
    func complete(_ ordinal: Int, _ unit: Unit) {
        condition.withLock {
            finished[ordinal] = unit
            var handed = false
            while let unit = finished.removeValue(forKey: next) {
                ready.append(unit)
                next += 1
                handed = true
            }
            if handed { condition.broadcast() }
        }
    }

    /// Records that unit `ordinal` failed; nothing after it is journaled.
    func fail(_ ordinal: Int, _ error: any Error) {
        condition.withLock {
            if firstFailure == nil { firstFailure = error }
            failedFlag.store(true, ordering: .releasing)
            condition.broadcast()
        }
    }

    /// Journals what is ready and stops the writer; call once, after every sender has finished.
    func finish() {
        condition.withLock {
            closed = true
            condition.broadcast()
            while !writerDone { condition.wait() }
        }
    }

    /// The writer thread: journals ready units in order, as many as are ready per write and fsync.
    private func write() {
        condition.lock()
        while true {
            while ready.isEmpty, !closed { condition.wait() }
            if ready.isEmpty, closed { break }
            let units = ready
            ready.removeAll(keepingCapacity: true)
            let broken = journalBroken
            condition.unlock()
            if !broken {
                do { try journal(units) } catch { recordFailure(error) }
            }
            condition.lock()
        }
        writerDone = true
        condition.broadcast()
        condition.unlock()
    }

    private func recordFailure(_ error: any Error) {
        condition.withLock {
            journalBroken = true
            if firstFailure == nil { firstFailure = error }
            failedFlag.store(true, ordering: .releasing)
        }
    }

    /// Journals `units` in order: consecutive acknowledgements in one append (one fsync), quarantines and
    /// segment ends in between, as they come.
    private func journal(_ units: [Unit]) throws {
        var acks: [JournalRecord] = []
        var pending = Totals()
        func flush() throws {
            if !acks.isEmpty { try appender.append(acks) }
            acks.removeAll()
            let added = pending
            pending = Totals()
            condition.withLock {
                totals.rowsSent += added.rowsSent
                totals.acknowledged += added.acknowledged
                totals.splits += added.splits
                totals.resentRows += added.resentRows
            }
        }
        for unit in units {
            if case .batch(_, let sent, let result) = unit, result.rejected.isEmpty {
                acks += Self.ackRecords(unit)
                pending.rowsSent += sent
                pending.acknowledged += result.acknowledgedCount
                pending.splits += result.splits
                pending.resentRows += result.resentRows
                continue
            }
            try flush()
            try journal(unit)
        }
        try flush()
    }

    private static func ackRecords(_ unit: Unit) -> [JournalRecord] {
        guard case .batch(let seq, let sent, let result) = unit else { return [] }
        let response =
            "HTTP 200; batch \(sent) rows; acked \(result.acknowledgedCount); "
            + "rejected \(result.rejected.count); splits \(result.splits); resent \(result.resentRows)"
        return result.acknowledged.map { run in
            .ack(
                seq: seq,
                firstRow: Int64(run.firstLine),
                rowCount: Int64(run.count),
                insertIdFirst: run.insertIDFirst,
                insertIdLast: run.insertIDLast,
                response: response
            )
        }
    }

    private func journal(_ unit: Unit) throws {
        switch unit {
        case .batch(let seq, let sent, let result):
            let records = Self.ackRecords(unit)
            if !records.isEmpty { try appender.append(records) }
            try quarantine(seq: seq, result.rejected.map { ($0.row, $0.reason) })
            condition.withLock {
                totals.rowsSent += sent
                totals.acknowledged += result.acknowledgedCount
                totals.splits += result.splits
                totals.resentRows += result.resentRows
            }
        case .reject(let seq, let row, let reason):
            try quarantine(seq: seq, [(row, reason)])
        case .segmentEnd(let seq, let rows, let quarantinedBefore, let markLoaded):
            guard markLoaded else { return }
            let quarantined = quarantinedBefore + (quarantinedNow[seq] ?? 0)
            try appender.append(
                .segmentLoaded(seq: seq, rows: rows, quarantined: Int64(quarantined), mode: .insertAll, jobId: nil)
            )
            condition.withLock { totals.segmentsLoaded += 1 }
        }
    }

    private func quarantine(seq: UInt64, _ rows: [(StagedRow, String)]) throws {
        guard !rows.isEmpty else { return }
        try journal.quarantine(
            seq: seq,
            rows: rows.map { (row: Int64($0.0.line), line: $0.0.bytes, reason: $0.1) },
            appender: appender
        )
        quarantinedNow[seq, default: 0] += rows.count
        condition.withLock { totals.quarantined += rows.count }
    }
}
