/// The SQL Server type of a SYSPRO column, as the company database declares it.
///
/// SYSPRO stores every number as `decimal(p,s)` (even years and line numbers), strings as `char`/`varchar`,
/// dates as `datetime` holding a date only, and the row version as `timestamp` (= `rowversion`), per
/// syspro.md §3.1. The few other types exist so that users can add their own tables by configuration.
///
/// The text form (`decimal(14,2)`, `varchar(35)`, `datetime`, `timestamp`) is what configuration files and
/// the staged schema use; ``init(parsing:)`` and ``description`` round-trip it.
///
/// This type is a value type and is `Sendable`.
public enum SQLType: Sendable, Hashable, CustomStringConvertible, Codable {
    /// `decimal(p,s)` / `numeric(p,s)`: exact, `1 ≤ p ≤ 38`, `0 ≤ s ≤ p`.
    case decimal(precision: Int, scale: Int)
    /// `char(n)`: fixed width, padded with trailing spaces by SQL Server.
    case char(Int)
    /// `varchar(n)`.
    case varchar(Int)
    /// `nvarchar(n)` (custom tables only).
    case nvarchar(Int)
    /// `datetime`: in SYSPRO a local business date at midnight; see ``CatalogColumn/hasTimeOfDay``.
    case datetime
    /// `date`.
    case date
    /// `int`, `smallint`, `tinyint` or `bigint`; the width is kept in the name.
    case integer(String)
    /// `bit`.
    case bit
    /// `timestamp` / `rowversion`: 8 bytes, database-wide monotonic. Never a data column: it is the row version.
    case timestamp

    /// Parses the text form; `nil` when the text is not a supported SQL type.
    public init?(parsing text: String) {
        let lowered = text.lowercased().filter { $0 != " " }
        func arguments(_ prefix: String) -> [Int]? {
            guard lowered.hasPrefix(prefix + "("), lowered.hasSuffix(")") else { return nil }
            let inner = lowered.dropFirst(prefix.count + 1).dropLast()
            let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            return parts.map { $0! }
        }
        switch lowered {
        case "datetime", "datetime2", "smalldatetime": self = .datetime
        case "date": self = .date
        case "int", "smallint", "tinyint", "bigint": self = .integer(lowered)
        case "bit": self = .bit
        case "timestamp", "rowversion": self = .timestamp
        default:
            if let values = arguments("decimal") ?? arguments("numeric") {
                let scale = values.count > 1 ? values[1] : 0
                guard values.count <= 2, (1...38).contains(values[0]), (0...values[0]).contains(scale) else {
                    return nil
                }
                self = .decimal(precision: values[0], scale: scale)
            } else if let values = arguments("char"), values.count == 1, values[0] > 0 {
                self = .char(values[0])
            } else if let values = arguments("varchar"), values.count == 1, values[0] > 0 {
                self = .varchar(values[0])
            } else if let values = arguments("nvarchar"), values.count == 1, values[0] > 0 {
                self = .nvarchar(values[0])
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))"
        case .char(let length): return "char(\(length))"
        case .varchar(let length): return "varchar(\(length))"
        case .nvarchar(let length): return "nvarchar(\(length))"
        case .datetime: return "datetime"
        case .date: return "date"
        case .integer(let name): return name
        case .bit: return "bit"
        case .timestamp: return "timestamp"
        }
    }

    /// Whether values of this type are character strings.
    public var isString: Bool {
        switch self {
        case .char, .varchar, .nvarchar: return true
        default: return false
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SQLType(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "'\(text)' is not a supported SQL type (decimal(p,s), char(n), varchar(n), "
                        + "nvarchar(n), datetime, date, int, smallint, tinyint, bigint, bit, timestamp)"
                )
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The BigQuery column type a SQL type lands as.
///
/// This type is a value type and is `Sendable`.
public enum BigQueryType: String, Sendable, Hashable, Codable, CaseIterable {
    case string = "STRING"
    case numeric = "NUMERIC"
    case bignumeric = "BIGNUMERIC"
    case int64 = "INT64"
    case bool = "BOOL"
    case date = "DATE"
    case datetime = "DATETIME"

    /// BigQuery `NUMERIC`: 38 digits, 29 before and 9 after the decimal point.
    /// See https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#decimal_types
    public static let numericIntegerDigits = 29
    public static let numericScale = 9
    /// BigQuery `BIGNUMERIC`: 76.76 digits, 38 after the decimal point; 38 whole digits always fit.
    public static let bignumericIntegerDigits = 38
    public static let bignumericScale = 38

    /// The type for `sqlType`; `hasTimeOfDay` turns a `datetime` into `DATETIME` instead of `DATE`.
    ///
    /// `decimal(p,s)` is `NUMERIC` when `p − s ≤ 29` and `s ≤ 9`, else `BIGNUMERIC`. `decimal(n,0)` stays
    /// `NUMERIC`: years, periods and journal numbers are never cast to `INT64`. A `timestamp` has no data
    /// type: it travels as the row version (`_version`), so this returns `nil` for it.
    public static func forSQLType(_ sqlType: SQLType, hasTimeOfDay: Bool) -> BigQueryType? {
        switch sqlType {
        case .decimal(let precision, let scale):
            return precision - scale <= numericIntegerDigits && scale <= numericScale ? .numeric : .bignumeric
        case .char, .varchar, .nvarchar: return .string
        case .datetime: return hasTimeOfDay ? .datetime : .date
        case .date: return .date
        case .integer: return .int64
        case .bit: return .bool
        case .timestamp: return nil
        }
    }
}
