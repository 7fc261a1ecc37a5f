import Common
import Foundation
import Logging
import SegmentLog

/// Streams the rows of a stream's segments to one raw table with several insertAll requests in flight.
///
/// The calling thread reads segments (resuming each at its first unacknowledged row through the block index)
/// and cuts batches; `concurrency` worker threads send them, each with its own ``BigQueryClient`` and HTTP
/// transport, because `curl_easy_perform` blocks its thread. Results are journaled in read order by an
/// ``OrderedJournalCommitter``.
///
/// Thread-safety: one pipeline per stream run, driven from one thread.
final class InsertAllPipeline {
    /// A segment to send, with what the journal already says about it.
    struct SegmentWork {
        let manifest: Manifest
        /// Rows already acknowledged in the current delivery.
        let acknowledged: [Range<Int64>]
        /// Rows already quarantined in the current delivery.
        let quarantined: [Int64]
        /// Sends only rows this accepts (replay's date filter); `nil` sends every row.
        let filter: (@Sendable ([UInt8]) -> Bool)?
        /// Whether to journal `segmentLoaded` once every selected row is accounted for.
        let markLoaded: Bool
    }

    private struct Job: Sendable {
        let ordinal: Int
        let seq: UInt64
        let batch: InsertAllBatch
    }

    let configuration: BigQueryConfiguration
    let layout: RawTableLayout
    let makeClient: @Sendable () throws -> BigQueryClient
    let log: StagingLog
    let logger: Logger
    let shouldStop: @Sendable () -> Bool

    init(
        configuration: BigQueryConfiguration,
        layout: RawTableLayout,
        log: StagingLog,
        logger: Logger,
        shouldStop: @escaping @Sendable () -> Bool,
        makeClient: @escaping @Sendable () throws -> BigQueryClient
    ) {
        self.configuration = configuration
        self.layout = layout
        self.log = log
        self.logger = logger
        self.shouldStop = shouldStop
        self.makeClient = makeClient
    }

    /// What a run did.
    struct Report {
        var totals = OrderedJournalCommitter.Totals()
        var statistics = ClientStatistics()
        var segments = 0
    }

    /// Sends `segments` (in order) and journals the results through `appender`.
    /// - Throws: the first failure, after every request in flight has finished and been journaled in order.
    func run(_ segments: [SegmentWork], journal: LoadJournal, appender: JournalAppender) throws -> Report {
        let committer = OrderedJournalCommitter(journal: journal, appender: appender)
        let queue = WorkQueue<Job>(capacity: configuration.concurrency * 2)
        // Batches in the queue, in flight and being filled, each reused once sent.
        let pool = InsertAllBatchPool(
            limit: configuration.concurrency * 3 + 1,
            reserveBytes: min(configuration.maxBytesPerRequest, 1 << 16),
            reserveRows: configuration.maxRowsPerRequest
        )
        let statistics = StatisticsBox()
        let group = DispatchGroup()
        let layout = self.layout
        let makeClient = self.makeClient
        for index in 0..<configuration.concurrency {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                Self.work(
                    queue: queue,
                    pool: pool,
                    committer: committer,
                    statistics: statistics,
                    layout: layout,
                    makeClient
                )
            }
            thread.name = "syspro-bq insertAll \(index + 1)"
            thread.start()
        }
        var report = Report()
        var ordinal = 0
        var readError: (any Error)?
        do {
            for segment in segments {
                guard !committer.failed, !shouldStop() else { break }
                try produce(segment, queue: queue, pool: pool, committer: committer, ordinal: &ordinal)
                report.segments += 1
            }
        } catch {
            readError = error
        }
        queue.close()
        group.wait()
        committer.finish()
        report.totals = committer.summary
        report.statistics = statistics.value
        if let readError { throw readError }
        if let failure = committer.failure { throw failure }
        return report
    }

    private func produce(
        _ segment: SegmentWork,
        queue: WorkQueue<Job>,
        pool: InsertAllBatchPool,
        committer: OrderedJournalCommitter,
        ordinal: inout Int
    ) throws {
        let manifest = segment.manifest
        let seq = manifest.sequence
        let skip = Set(segment.quarantined)
        let start = segment.acknowledged.first.map { $0.lowerBound == 0 ? $0.upperBound : 0 } ?? 0
        var batcher = InsertAllBatcher(
            maxRows: configuration.maxRowsPerRequest,
            maxBytes: configuration.maxBytesPerRequest,
            pool: pool
        )
        var counter = ordinal
        func submit(_ batch: InsertAllBatch) {
            queue.push(Job(ordinal: counter, seq: seq, batch: batch))
            counter += 1
        }
        func handle(_ action: InsertAllBatcher.Action) {
            switch action {
            case .send(let batch): submit(batch)
            case .reject(let row, let reason):
                committer.complete(counter, .reject(seq: seq, row: row, reason: reason))
                counter += 1
            }
        }
        let resuming = !skip.isEmpty || !segment.acknowledged.isEmpty
        var stopped = false
        try log.withReader(manifest) { reader in
            try reader.forEachRow(from: start) { buffer, row in
                if committer.failed || shouldStop() {
                    stopped = true
                    return false
                }
                if resuming, skip.contains(row) || segment.acknowledged.contains(where: { $0.contains(row) }) {
                    return true
                }
                if let filter = segment.filter, !filter([UInt8](buffer)) { return true }
                batcher.add(line: Int(row), bytes: buffer, handle)
                return true
            }
        }
        if let rest = batcher.finish() { submit(rest) }
        if !stopped {
            committer.complete(
                counter,
                .segmentEnd(
                    seq: seq,
                    rows: manifest.rowCount,
                    quarantinedBefore: segment.quarantined.count,
                    markLoaded: segment.markLoaded
                )
            )
            counter += 1
        }
        ordinal = counter
    }

    private static func work(
        queue: WorkQueue<Job>,
        pool: InsertAllBatchPool,
        committer: OrderedJournalCommitter,
        statistics: StatisticsBox,
        layout: RawTableLayout,
        _ makeClient: @Sendable () throws -> BigQueryClient
    ) {
        var client: BigQueryClient?
        defer { if let client { statistics.add(client.statistics) } }
        while let job = queue.pop() {
            // After a failure, drain the queue without sending: those rows are resent next run.
            guard !committer.failed else { continue }
            let (ordinal, seq) = (job.ordinal, job.seq)
            // The batch's only owner from here on, so its buffers go back to the pool without a copy.
            let batch = (consume job).batch
            do {
                if client == nil { client = try makeClient() }
                guard let client else { continue }
                let result = try BatchDelivery(client: client, layout: layout).deliver(batch)
                let sent = batch.count
                pool.give(batch)
                committer.complete(ordinal, .batch(seq: seq, sent: sent, result: result))
            } catch {
                committer.fail(ordinal, error)
            }
        }
    }
}

/// Client statistics gathered from the worker threads.
final class StatisticsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var total = ClientStatistics()

    func add(_ statistics: ClientStatistics) { lock.withLock { total.merge(statistics) } }
    var value: ClientStatistics { lock.withLock { total } }
}
