import Synchronization

/// Everything in one company database at one moment: its tables and its rowversion counter.
///
/// A value type; `CompanyDatabase` hands out copies as consistent snapshots.
struct CompanyState: Sendable {
    var tables: [String: TableData]
    /// The next rowversion; shared by every table of the company, like SQL Server's `@@DBTS`.
    var nextStamp: UInt64 = 0x7D0
    /// Next document numbers used by `advance`.
    var nextInvoice = 900_000
    var nextPurchaseOrder = 200_000

    init() {
        var tables: [String: TableData] = [:]
        for schema in Catalog.all { tables[schema.name] = TableData(schema: schema) }
        self.tables = tables
    }

    /// Takes the next rowversion.
    mutating func takeStamp() -> UInt64 {
        defer { nextStamp += 1 }
        return nextStamp
    }

    /// Inserts or replaces a row, giving it a fresh rowversion (every insert and update bumps it).
    mutating func write(_ table: String, _ row: [Value]) {
        var row = row
        let stampColumn = tables[table]!.schema.stampColumn
        row[stampColumn] = .stamp(takeStamp())
        tables[table]!.upsert(row)
    }

    mutating func reindexAll() {
        for name in tables.keys { tables[name]!.reindexStamps() }
    }
}

/// One simulated company database, shared by all request threads.
///
/// Thread-safety: all access goes through a mutex; readers take a snapshot copy and release the
/// lock before rendering, writers mutate under the lock.
final class CompanyDatabase: Sendable {
    let company: String
    private let state: Mutex<CompanyState>

    init(company: String, initial: CompanyState) {
        self.company = company
        self.state = Mutex(initial)
    }

    /// A consistent copy of the whole company (cheap: copy-on-write arrays).
    func snapshot() -> CompanyState { state.withLock { $0 } }

    /// Applies a change under the lock.
    func mutate<T>(_ body: (inout CompanyState) -> T) -> T {
        state.withLock { body(&$0) }
    }

    func replace(with new: CompanyState) { state.withLock { $0 = new } }
}

/// Builds a row for a table by column name, with SQL defaults: `char(n)` values are padded with
/// trailing spaces to n (as SQL Server stores them), non-null text defaults to blanks, numbers
/// to zero, dates and nullable text to NULL.
struct RowBuilder {
    let schema: TableSchema
    private(set) var values: [Value]

    init(_ schema: TableSchema) {
        self.schema = schema
        values = schema.columns.map { column in
            switch column.type {
            case .char(let n): return column.nullable ? .null : .string(String(repeating: " ", count: n))
            case .varchar: return column.nullable ? .null : .string("")
            case .decimal: return .decimal(0)
            case .datetime, .timestamp: return .null
            }
        }
    }

    init(_ schema: TableSchema, row: [Value]) {
        self.schema = schema
        values = row
    }

    /// Sets a text column; `char(n)` is right-padded with spaces to n.
    mutating func set(_ name: String, _ text: String?) {
        let i = schema.position(of: name)!
        guard let text else {
            values[i] = .null
            return
        }
        if case .char(let n) = schema.columns[i].type, text.utf8.count < n {
            values[i] = .string(text + String(repeating: " ", count: n - text.utf8.count))
        } else {
            values[i] = .string(text)
        }
    }

    /// Sets a decimal column from its unscaled value.
    mutating func set(_ name: String, unscaled: Int64) { values[schema.position(of: name)!] = .decimal(unscaled) }

    /// Sets a decimal column from a whole number (scaled by the column's scale).
    mutating func set(_ name: String, whole: Int) {
        let i = schema.position(of: name)!
        var v = Int64(whole)
        for _ in 0..<(schema.columns[i].type.scale ?? 0) { v *= 10 }
        values[i] = .decimal(v)
    }

    mutating func set(_ name: String, date: Int32?) {
        values[schema.position(of: name)!] = date.map { .date($0) } ?? .null
    }

    func get(_ name: String) -> Value { values[schema.position(of: name)!] }

    func unscaled(_ name: String) -> Int64 {
        if case .decimal(let v) = get(name) { return v }
        return 0
    }
}
