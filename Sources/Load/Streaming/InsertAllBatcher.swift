/// Cuts a stream of staged rows into insertAll batches bounded by row count and request bytes.
///
/// A pure decision core (STYLE.md §19): feed rows with ``add(line:bytes:_:)`` and act on what it emits. Each
/// row is spliced into the pending ``InsertAllBatch`` as it is added (one copy, no per-row allocation); a
/// row that does not fit closes the pending batch first.
///
/// This type is a value type and is not shared between threads.
struct InsertAllBatcher {
    /// What to do after adding a row.
    enum Action {
        /// Send this batch (finished, ready to send); the row just added, if any, starts the next one.
        case send(InsertAllBatch)
        /// This row can never be sent: it alone is over the request limit or has no insertId.
        case reject(StagedRow, reason: String)
    }

    let maxRows: Int
    let maxBytes: Int
    private let pool: InsertAllBatchPool?
    private var pending: InsertAllBatch

    /// - Parameters:
    ///   - maxRows: rows per request.
    ///   - maxBytes: bytes per request body.
    ///   - pool: where empty batches come from (reused buffers); `nil` makes new ones.
    init(maxRows: Int, maxBytes: Int, pool: InsertAllBatchPool? = nil) {
        precondition(maxRows >= 1 && maxBytes > InsertAllBody.prefix.count)
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        self.pool = pool
        self.pending = pool?.take() ?? InsertAllBatch()
    }

    /// Adds the staged line `bytes` (row `line` of its segment) and emits the batches it closes.
    mutating func add(line: Int, bytes: UnsafeRawBufferPointer, _ emit: (Action) -> Void) {
        guard let id = StagedRow.insertIDRange(in: bytes) else {
            emit(
                .reject(
                    StagedRow(line: line, bytes: Array(bytes), insertID: nil),
                    reason: "the staged row has no _insert_id where the row contract puts it"
                )
            )
            return
        }
        let size = InsertAllBatch.rowSize(lineBytes: bytes.count, insertIDBytes: id.count)
        let single = InsertAllBody.prefix.count + InsertAllBody.suffix.count + size - 1
        if single > BigQueryLimits.maxRequestBytes {
            emit(
                .reject(
                    StagedRow(line: line, bytes: Array(bytes)),
                    reason: "the row alone makes a \(single)-byte insertAll request, over BigQuery's "
                        + "\(BigQueryLimits.maxRequestBytes)-byte limit; load it with a load job"
                )
            )
            return
        }
        if !pending.isEmpty, pending.size + size > maxBytes || pending.count >= maxRows { emitPending(emit) }
        pending.append(line: line, bytes: bytes, insertID: id)
        if pending.count >= maxRows { emitPending(emit) }
    }

    /// Adds a row held as a ``StagedRow``.
    mutating func add(_ row: StagedRow, _ emit: (Action) -> Void) {
        row.bytes.withUnsafeBytes { add(line: row.line, bytes: $0, emit) }
    }

    /// The last, partial batch, finished, if any.
    mutating func finish() -> InsertAllBatch? {
        guard !pending.isEmpty else { return nil }
        var batch = takePending()
        batch.finish()
        return batch
    }

    private mutating func takePending() -> InsertAllBatch {
        let batch = pending
        pending = pool?.take() ?? InsertAllBatch()
        return batch
    }

    private mutating func emitPending(_ emit: (Action) -> Void) {
        var batch = takePending()
        batch.finish()
        emit(.send(batch))
    }
}
