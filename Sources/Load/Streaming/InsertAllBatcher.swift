/// Cuts a stream of staged rows into insertAll batches bounded by row count and request bytes.
///
/// A pure decision core (STYLE.md §19): feed rows with ``add(_:)`` and act on what it returns.
///
/// This type is a value type and is not shared between threads.
struct InsertAllBatcher {
    /// What to do after adding a row.
    enum Action: Equatable {
        /// Keep adding.
        case none
        /// Send this batch; the row just added starts the next one.
        case send([StagedRow])
        /// This row can never be sent: it alone is over the request limit or has no insertId.
        case reject(StagedRow, reason: String)
    }

    let maxRows: Int
    let maxBytes: Int
    private(set) var pending: [StagedRow] = []
    private var pendingBytes = InsertAllBody.prefix.count + InsertAllBody.suffix.count - 1

    init(maxRows: Int, maxBytes: Int) {
        precondition(maxRows >= 1 && maxBytes > InsertAllBody.prefix.count)
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }

    /// Adds a row. Returns the batch to send when the row does not fit in the pending one.
    mutating func add(_ row: StagedRow) -> [Action] {
        guard let id = row.insertID else {
            return [.reject(row, reason: "the staged row has no _insert_id where the row contract puts it")]
        }
        guard id.utf8.count <= 128 else {
            return [.reject(row, reason: "the row's _insert_id is longer than BigQuery's 128 characters")]
        }
        let single = InsertAllBody.singleRowSize(row)
        if single > BigQueryLimits.maxRequestBytes {
            return [
                .reject(
                    row,
                    reason: "the row alone makes a \(single)-byte insertAll request, over BigQuery's "
                        + "\(BigQueryLimits.maxRequestBytes)-byte limit; load it with a load job"
                )
            ]
        }
        var actions: [Action] = []
        let size = InsertAllBody.rowSize(row)
        if !pending.isEmpty, pending.count >= maxRows || pendingBytes + size > maxBytes {
            actions.append(.send(takePending()))
        }
        pending.append(row)
        pendingBytes += size
        if pending.count >= maxRows { actions.append(.send(takePending())) }
        return actions
    }

    /// The last, partial batch, if any.
    mutating func finish() -> [StagedRow]? {
        pending.isEmpty ? nil : takePending()
    }

    private mutating func takePending() -> [StagedRow] {
        let batch = pending
        pending = []
        pendingBytes = InsertAllBody.prefix.count + InsertAllBody.suffix.count - 1
        return batch
    }
}
