import Foundation

/// An insertAll request body built as rows are read: each staged line is copied once, from the segment
/// reader's decompressed block straight into the body (``InsertAllBody`` gives the layout).
///
/// The batch remembers where each row's insertId and JSON lie in the body, so the slow paths (a 413 split,
/// `stopped` rows sent again, `invalid` rows quarantined) can take rows out again as ``StagedRow``s, and the
/// journal can name the acknowledged insertIds without a per-row copy. Its buffers are reused through a
/// ``InsertAllBatchPool`` so that a long load allocates a handful of bodies, not one per batch or per row.
///
/// This type is a value type and is `Sendable`; a batch is filled by one thread, then handed to another.
struct InsertAllBatch: Sendable {
    /// One row's place in the body.
    struct Row: Sendable, Hashable {
        /// The row's `_line` in its segment.
        let line: Int
        /// The insertId's bytes in ``InsertAllBatch/body``.
        let insertID: Range<Int>
        /// The staged line's bytes in ``InsertAllBatch/body``.
        let json: Range<Int>
    }

    /// The request body: the prefix and every row so far; ``finish()`` adds the closing bytes.
    private(set) var body: [UInt8] = []
    private(set) var rows: [Row] = []
    private(set) var isFinished = false

    /// An empty batch whose buffers hold `bytes` and `rows` without growing.
    init(reservingBytes bytes: Int = 0, rows rowCapacity: Int = 0) {
        body.reserveCapacity(bytes)
        rows.reserveCapacity(rowCapacity)
        body += InsertAllBody.prefix
    }

    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }

    /// The size of the finished body.
    var size: Int { isFinished ? body.count : body.count + InsertAllBody.suffix.count }

    /// The bytes a row adds to the body, separator included (``InsertAllBody/rowSize(_:)``).
    static func rowSize(lineBytes: Int, insertIDBytes: Int) -> Int {
        InsertAllBody.rowOpen.count + insertIDBytes + InsertAllBody.rowMiddle.count + lineBytes + 1 + 1
    }

    /// Appends the staged `line` whose insertId is at `insertID` within it.
    mutating func append(line number: Int, bytes line: UnsafeRawBufferPointer, insertID: Range<Int>) {
        precondition(!isFinished, "a finished insertAll batch cannot take more rows")
        if !rows.isEmpty { body.append(UInt8(ascii: ",")) }
        body += InsertAllBody.rowOpen
        let idStart = body.count
        body += UnsafeRawBufferPointer(rebasing: line[insertID])
        let idEnd = body.count
        body += InsertAllBody.rowMiddle
        let jsonStart = body.count
        body += line
        let jsonEnd = body.count
        body.append(InsertAllBody.rowClose)
        rows.append(Row(line: number, insertID: idStart..<idEnd, json: jsonStart..<jsonEnd))
    }

    /// Closes the body (`]}`); the batch is then ready to send.
    mutating func finish() {
        guard !isFinished else { return }
        body += InsertAllBody.suffix
        isFinished = true
    }

    /// Empties the batch, keeping its buffers' capacity.
    mutating func reset() {
        body.removeAll(keepingCapacity: true)
        body += InsertAllBody.prefix
        rows.removeAll(keepingCapacity: true)
        isFinished = false
    }

    /// The insertId of `row` as text.
    func insertID(of row: Row) -> String {
        body.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[row.insertID]), as: UTF8.self)
        }
    }

    /// Every row as a ``StagedRow``, for the slow paths.
    var stagedRows: [StagedRow] {
        rows.map { StagedRow(line: $0.line, bytes: Array(body[$0.json]), insertID: insertID(of: $0)) }
    }

    /// The acknowledged runs of consecutive lines when every row of the batch was acknowledged.
    var acknowledgedRuns: [AcknowledgedRun] {
        var runs: [AcknowledgedRun] = []
        var first = 0
        for index in rows.indices where index + 1 == rows.count || rows[index + 1].line != rows[index].line + 1 {
            runs.append(
                AcknowledgedRun(
                    firstLine: rows[first].line,
                    count: index - first + 1,
                    insertIDFirst: insertID(of: rows[first]),
                    insertIDLast: insertID(of: rows[index])
                )
            )
            first = index + 1
        }
        return runs
    }
}

/// Rows `firstLine ..< firstLine + count` of a segment, all acknowledged by BigQuery, as the journal records
/// them (`ack` with the first and last insertIds).
///
/// This type is a value type and is `Sendable`.
struct AcknowledgedRun: Sendable, Hashable {
    let firstLine: Int
    let count: Int
    let insertIDFirst: String
    let insertIDLast: String

    /// Splits rows sorted by line into runs of consecutive lines.
    static func runs(_ rows: [StagedRow]) -> [AcknowledgedRun] {
        var runs: [AcknowledgedRun] = []
        var start = 0
        for index in rows.indices where index + 1 == rows.count || rows[index + 1].line != rows[index].line + 1 {
            runs.append(
                AcknowledgedRun(
                    firstLine: rows[start].line,
                    count: index - start + 1,
                    insertIDFirst: rows[start].insertID ?? "",
                    insertIDLast: rows[index].insertID ?? ""
                )
            )
            start = index + 1
        }
        return runs
    }
}

/// Batches whose buffers are reused: the reader takes an empty one, a sender gives it back once sent.
///
/// With `concurrency` senders and a queue of `2 × concurrency` the pool settles at about `3 × concurrency + 1`
/// batches of up to ``BigQueryConfiguration/maxBytesPerRequest`` bytes each; it never holds more than `limit`.
///
/// Thread-safety: thread-safe (a lock).
final class InsertAllBatchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [InsertAllBatch] = []
    private let limit: Int
    private let reserveBytes: Int
    private let reserveRows: Int

    init(limit: Int, reserveBytes: Int, reserveRows: Int) {
        self.limit = limit
        self.reserveBytes = reserveBytes
        self.reserveRows = reserveRows
    }

    /// An empty batch: a reused one when there is one.
    func take() -> InsertAllBatch {
        if let batch = lock.withLock({ free.popLast() }) { return batch }
        return InsertAllBatch(reservingBytes: reserveBytes, rows: reserveRows)
    }

    /// Gives a batch's buffers back for reuse.
    func give(_ batch: consuming InsertAllBatch) {
        var batch = batch
        batch.reset()
        lock.withLock {
            if free.count < limit { free.append(batch) }
        }
    }
}
