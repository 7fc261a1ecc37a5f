/// A SQL Server column type as SYSPRO declares it (reference §3.1).
enum SQLType: Sendable, Hashable {
    /// Fixed-width text, padded with trailing spaces to `length` by SQL Server.
    case char(Int)
    /// Variable-width text up to `length` bytes.
    case varchar(Int)
    /// Exact decimal; every SYSPRO number is one of these, even years and line numbers.
    case decimal(precision: Int, scale: Int)
    /// A date held as midnight local time (SYSPRO never stores a time in these).
    case datetime
    /// The 8-byte `rowversion`, a database-global change counter.
    case timestamp

    /// The SQL spelling, e.g. `decimal(14,2)`, `varchar(15)`.
    var sql: String {
        switch self {
        case .char(let n): return "char(\(n))"
        case .varchar(let n): return "varchar(\(n))"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .datetime: return "datetime"
        case .timestamp: return "timestamp"
        }
    }

    /// The decimal scale, or nil for non-decimal columns.
    var scale: Int? {
        if case .decimal(_, let s) = self { return s }
        return nil
    }

    var isString: Bool {
        switch self {
        case .char, .varchar: return true
        default: return false
        }
    }
}

/// One column of a simulated table.
struct ColumnSchema: Sendable, Hashable {
    let name: String
    let type: SQLType
    let nullable: Bool
}

/// One simulated SYSPRO table: its columns in SQL order and its primary key.
struct TableSchema: Sendable {
    let name: String
    let columns: [ColumnSchema]
    /// Column positions of the primary key, in key order.
    let key: [Int]
    /// Column position of `TimeStamp`.
    let stampColumn: Int
    private let positions: [String: Int]

    /// Builds a schema; `key` names primary-key columns in order. Every table ends with `TimeStamp`.
    init(_ name: String, key: [String], _ columns: [ColumnSchema]) {
        self.name = name
        let all = columns + [ColumnSchema(name: "TimeStamp", type: .timestamp, nullable: true)]
        self.columns = all
        var positions: [String: Int] = [:]
        for (i, c) in all.enumerated() { positions[c.name] = i }
        self.positions = positions
        self.key = key.map { positions[$0]! }
        self.stampColumn = all.count - 1
    }

    /// The position of a column (case-sensitive, like the OData service), or nil.
    func position(of name: String) -> Int? { positions[name] }
}

/// Short constructors so the catalog reads like DDL.
func ch(_ name: String, _ n: Int, null: Bool = false) -> ColumnSchema {
    ColumnSchema(name: name, type: .char(n), nullable: null)
}

func vc(_ name: String, _ n: Int, null: Bool = false) -> ColumnSchema {
    ColumnSchema(name: name, type: .varchar(n), nullable: null)
}

func dec(_ name: String, _ p: Int, _ s: Int) -> ColumnSchema {
    ColumnSchema(name: name, type: .decimal(precision: p, scale: s), nullable: false)
}

func dt(_ name: String) -> ColumnSchema {
    ColumnSchema(name: name, type: .datetime, nullable: true)
}
