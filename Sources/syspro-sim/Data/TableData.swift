/// The rows of one table, kept sorted by primary key, with a second ordering by `TimeStamp`.
///
/// A value type: a request copies the company's tables under a lock and reads its copy without
/// further locking (copy-on-write keeps that cheap), so a response is consistent even while
/// `advance` changes the database.
struct TableData: Sendable {
    let schema: TableSchema
    /// Rows sorted by the primary key (`schema.key`).
    private(set) var rows: [[Value]] = []
    /// Row positions sorted by `TimeStamp` ascending; rebuilt by `reindexStamps()` after changes.
    private(set) var stampOrder: [Int32] = []

    init(schema: TableSchema) { self.schema = schema }

    /// The position of the first row whose key is >= `key` (a prefix compares as its own length).
    func lowerBound(keyPrefix: [Value]) -> Int {
        var low = 0
        var high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if comparePrefix(rows[mid], keyPrefix) < 0 { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Compares a row's leading key columns with a (possibly shorter) prefix of key values.
    func comparePrefix(_ row: [Value], _ prefix: [Value]) -> Int {
        for (i, v) in prefix.enumerated() {
            let r = Value.compare(row[schema.key[i]], v)
            if r != 0 { return r }
        }
        return 0
    }

    /// The position of the row with exactly this key, or nil.
    func find(key: [Value]) -> Int? {
        let i = lowerBound(keyPrefix: key)
        return i < rows.count && comparePrefix(rows[i], key) == 0 ? i : nil
    }

    /// Inserts a new row or replaces the row with the same key.
    mutating func upsert(_ row: [Value]) {
        let keyValues = schema.key.map { row[$0] }
        // Bulk generation writes in key order: append without a binary search.
        if let last = rows.last, comparePrefix(last, keyValues) < 0 {
            rows.append(row)
            return
        }
        let i = lowerBound(keyPrefix: keyValues)
        if i < rows.count && comparePrefix(rows[i], keyValues) == 0 {
            rows[i] = row
        } else {
            rows.insert(row, at: i)
        }
    }

    /// Removes the row with this key; returns whether it existed.
    @discardableResult
    mutating func delete(key: [Value]) -> Bool {
        guard let i = find(key: key) else { return false }
        rows.remove(at: i)
        return true
    }

    mutating func replace(at index: Int, with row: [Value]) { rows[index] = row }

    /// Rebuilds the `TimeStamp` ordering; call once after a batch of changes.
    mutating func reindexStamps() {
        let stamp = schema.stampColumn
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            if case .stamp(let s) = row[stamp] { pairs.append((s, Int32(i))) } else { pairs.append((0, Int32(i))) }
        }
        pairs.sort { $0.0 < $1.0 }
        stampOrder = pairs.map(\.1)
    }

    /// The first position in `stampOrder` whose row has `TimeStamp` >= `stamp`.
    func stampLowerBound(_ stamp: UInt64) -> Int {
        var low = 0
        var high = stampOrder.count
        let column = schema.stampColumn
        while low < high {
            let mid = (low + high) / 2
            if case .stamp(let s) = rows[Int(stampOrder[mid])][column], s < stamp { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
