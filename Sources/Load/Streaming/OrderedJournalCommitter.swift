import Common
import Foundation
import SegmentLog
import Synchronization

/// Journals insertAll results in the order their rows were read, however the requests finish.
///
/// Every unit of work gets an ordinal when it is read; results may arrive out of order from several threads,
/// and each is journaled only after every earlier unit was. So the journal's acknowledged ranges always form a
/// prefix of what was read, and a crash resumes at the first unacknowledged row. After the first failure
/// nothing more is journaled; the unjournaled rows are sent again on the next run, with the same insertIds.
///
/// Thread-safety: thread-safe; every method takes the lock. The journal appender is used only under it.
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

    private let lock = NSLock()
    private let journal: LoadJournal
    private let appender: JournalAppender
    private var next = 0
    private var finished: [Int: Unit] = [:]
    private var quarantinedNow: [UInt64: Int] = [:]
    private var firstFailure: (any Error)?
    private var totals = Totals()

    init(journal: LoadJournal, appender: JournalAppender) {
        self.journal = journal
        self.appender = appender
    }

    /// Set with the first failure; read without the lock, since the reader asks once per row.
    private let failedFlag = Atomic<Bool>(false)

    /// Whether a unit failed; producers stop reading when it did.
    var failed: Bool { failedFlag.load(ordering: .acquiring) }

    /// The first failure, if any.
    var failure: (any Error)? { lock.withLock { firstFailure } }

    var summary: Totals { lock.withLock { totals } }

    /// Records that unit `ordinal` finished, and journals every unit now in order.
    func complete(_ ordinal: Int, _ unit: Unit) {
        lock.withLock {
            finished[ordinal] = unit
            while firstFailure == nil, let ready = finished.removeValue(forKey: next) {
                do {
                    try journal(ready)
                } catch {
                    firstFailure = error
                    failedFlag.store(true, ordering: .releasing)
                }
                next += 1
            }
        }
    }

    /// Records that unit `ordinal` failed; nothing after it is journaled.
    func fail(_ ordinal: Int, _ error: any Error) {
        lock.withLock {
            if firstFailure == nil { firstFailure = error }
            failedFlag.store(true, ordering: .releasing)
        }
    }

    private func journal(_ unit: Unit) throws {
        switch unit {
        case .batch(let seq, let sent, let result):
            let response =
                "HTTP 200; batch \(sent) rows; acked \(result.acknowledgedCount); "
                + "rejected \(result.rejected.count); splits \(result.splits); resent \(result.resentRows)"
            let records: [JournalRecord] = result.acknowledged.map { run in
                .ack(
                    seq: seq,
                    firstRow: Int64(run.firstLine),
                    rowCount: Int64(run.count),
                    insertIdFirst: run.insertIDFirst,
                    insertIdLast: run.insertIDLast,
                    response: response
                )
            }
            if !records.isEmpty { try appender.append(records) }
            try quarantine(seq: seq, result.rejected.map { ($0.row, $0.reason) })
            totals.rowsSent += sent
            totals.acknowledged += result.acknowledgedCount
            totals.splits += result.splits
            totals.resentRows += result.resentRows
        case .reject(let seq, let row, let reason):
            try quarantine(seq: seq, [(row, reason)])
        case .segmentEnd(let seq, let rows, let quarantinedBefore, let markLoaded):
            guard markLoaded else { return }
            let quarantined = quarantinedBefore + (quarantinedNow[seq] ?? 0)
            try appender.append(
                .segmentLoaded(seq: seq, rows: rows, quarantined: Int64(quarantined), mode: .insertAll, jobId: nil)
            )
            totals.segmentsLoaded += 1
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
        totals.quarantined += rows.count
    }
}
