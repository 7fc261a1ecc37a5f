import Common
import Foundation
import Logging

/// Delivers one batch through insertAll until every row is acknowledged or rejected.
///
/// - 200 without `insertErrors`: all rows acknowledged.
/// - 200 with `insertErrors`: `invalid` rows are rejected (quarantined by the caller); `stopped` rows are resent
///   at once with the same insertIds; rows failing for other reasons are resent after a backoff.
/// - 413: the batch is halved, down to single rows. A single row cannot be too large (the batcher rejects rows
///   over BigQuery's request limit before sending), so a 413 for one is not about its size: it is retried with
///   backoff like a transient failure and, if it persists, stops the table with the row still pending. Never
///   quarantined: a tombstone set aside here would leave a deleted key in the current view.
/// - 404: the table is missing (dropped while loading): it is created again from the layout and the batch is
///   retried once; a second 404 is a terminal error that says to run load again.
/// - Anything else is retried or thrown by ``BigQueryClient/call(_:operation:accept:)``.
struct BatchDelivery {
    struct Result {
        /// The acknowledged rows, as runs of consecutive lines.
        var acknowledged: [AcknowledgedRun] = []
        var acknowledgedCount = 0
        var rejected: [InsertAllOutcome.Rejection] = []
        /// 413 answers that split a batch.
        var splits = 0
        /// Rows sent again after a `stopped` or row-level transient error.
        var resentRows = 0
    }

    let client: BigQueryClient
    let layout: RawTableLayout

    private var tableID: String { layout.tableID }

    private var operation: String { "insertAll into \(client.paths.dataset).\(tableID)" }

    /// Sends `batch` as built. When BigQuery takes every row (the common case) the rows are acknowledged
    /// straight from the batch; any other answer continues on the slow path with the rows taken out of it.
    func deliver(_ batch: InsertAllBatch) throws -> Result {
        precondition(batch.isFinished, "an insertAll batch is sent only once finished")
        let response = try send(batch.body)
        if response.status != 404, response.status != 413, InsertAllOutcome.isClean(response.body) {
            return Result(acknowledged: batch.acknowledgedRuns, acknowledgedCount: batch.count)
        }
        return try deliver(batch.stagedRows, firstResponse: response)
    }

    private func send(_ body: [UInt8]) throws -> HTTPResponse {
        let request = HTTPRequest(
            method: .post,
            url: client.paths.insertAllURL(tableID),
            headers: [HTTPHeader("Content-Type", "application/json; charset=UTF-8")],
            body: .bytes(body)
        )
        return try client.call(request, operation: operation, accept: [404, 413])
    }

    /// Delivers `rows`; `firstResponse` is the answer already received for all of them, if any.
    func deliver(_ rows: [StagedRow], firstResponse: HTTPResponse? = nil) throws -> Result {
        var result = Result()
        var acknowledged: [StagedRow] = []
        var recreated = false
        var queue: [[StagedRow]] = [rows]
        var rowRetry = RetryState(policy: client.configuration.retryPolicy)
        let operation = self.operation
        var answered = firstResponse
        while !queue.isEmpty {
            let batch = queue.removeFirst()
            let response: HTTPResponse
            if let first = answered {
                response = first
                answered = nil
            } else {
                response = try send(InsertAllBody.make(batch))
            }
            switch response.status {
            case 413:
                guard batch.count > 1 else {
                    let size = InsertAllBody.make(batch).count
                    var failure = SysproBQError(
                        .remote,
                        "\(operation): a \(size)-byte request holding only line \(batch[0].line) was refused as too "
                            + "large (HTTP 413), though under BigQuery's \(BigQueryLimits.maxRequestBytes)-byte limit",
                        remedy: "nothing was set aside: the row stays pending and the next load sends it again; if "
                            + "this repeats, a proxy limits request sizes, or load the table with load_mode = \"loadJob\"",
                        cause: .http(status: 413, bodyExcerpt: excerpt(response.body)),
                        disposition: .retryable
                    )
                    switch rowRetry.recordFailure(failure, random: Double.random(in: 0..<1)) {
                    case .retry(let delay):
                        client.statistics.retries["413", default: 0] += 1
                        client.clock.sleep(seconds: delay)
                        queue.insert(batch, at: 0)
                        continue
                    case .giveUp:
                        failure.disposition = .terminal
                        throw failure
                    }
                }
                let middle = batch.count / 2
                queue.insert(contentsOf: [Array(batch[..<middle]), Array(batch[middle...])], at: 0)
                result.splits += 1
            case 404 where !recreated:
                client.logger.warning("Table missing; creating it again", metadata: ["bq.table": "\(tableID)"])
                try TableManager(client: client).ensureRawTable(layout)
                recreated = true
                queue.insert(batch, at: 0)
            case 404:
                throw SysproBQError(
                    .remote,
                    "\(operation): table missing (HTTP 404)",
                    remedy: "table missing: run load again to create it",
                    cause: .http(status: 404, bodyExcerpt: excerpt(response.body)),
                    disposition: .terminal
                )
            default:
                let outcome = InsertAllOutcome.read(rows: batch, body: response.body)
                acknowledged += outcome.acknowledged
                result.rejected += outcome.rejected
                guard !outcome.resend.isEmpty else { continue }
                result.resentRows += outcome.resend.count
                if outcome.rejected.isEmpty {
                    // No row was invalid, yet rows were not inserted: a row-level transient failure. Back off.
                    let failure = SysproBQError(
                        .remote,
                        "\(operation): \(outcome.resend.count) rows were not inserted and no row was invalid",
                        cause: .http(status: response.status, bodyExcerpt: excerpt(response.body)),
                        disposition: .retryable
                    )
                    switch rowRetry.recordFailure(failure, random: Double.random(in: 0..<1)) {
                    case .retry(let delay):
                        client.statistics.retries["rowError", default: 0] += 1
                        client.clock.sleep(seconds: delay)
                    case .giveUp:
                        throw failure
                    }
                }
                // `stopped` rows were valid: send them again, same insertIds, ahead of anything else.
                queue.insert(outcome.resend, at: 0)
            }
        }
        acknowledged.sort { $0.line < $1.line }
        result.acknowledged = AcknowledgedRun.runs(acknowledged)
        result.acknowledgedCount = acknowledged.count
        result.rejected.sort { $0.row.line < $1.row.line }
        return result
    }
}
