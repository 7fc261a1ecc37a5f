import Foundation

/// One column of a BigQuery table schema (`TableFieldSchema`: name, type, mode).
///
/// This type is a value type and is `Sendable`.
public struct TableField: Sendable, Hashable, CustomStringConvertible {
    public enum Mode: String, Sendable, Hashable {
        case nullable = "NULLABLE"
        case required = "REQUIRED"
        case repeated = "REPEATED"
    }

    public let name: String
    /// The type as written in requests (`STRING`, `INT64`, `NUMERIC`, …).
    public let type: String
    public let mode: Mode

    public init(name: String, type: String, mode: Mode) {
        self.name = name
        self.type = type
        self.mode = mode
    }

    /// `{"name":…,"type":…,"mode":…}`.
    var json: JSONValue {
        ["name": .string(name), "type": .string(type), "mode": .string(mode.rawValue)]
    }

    public var description: String { "\(name) \(type) \(mode.rawValue)" }

    /// The canonical spelling of a BigQuery type, so that `INT64` and `INTEGER` (what tables.get returns) compare
    /// equal. Parameterised types (`NUMERIC(14,2)`) keep only their base name.
    static func canonicalType(_ type: String) -> String {
        let base = type.uppercased().split(separator: "(").first.map(String.init) ?? type.uppercased()
        switch base.trimmingCharacters(in: .whitespaces) {
        case "INTEGER", "INT64", "INT", "SMALLINT", "BIGINT", "TINYINT", "BYTEINT": return "INT64"
        case "FLOAT", "FLOAT64": return "FLOAT64"
        case "BOOLEAN", "BOOL": return "BOOL"
        case "RECORD", "STRUCT": return "STRUCT"
        case "DECIMAL", "NUMERIC": return "NUMERIC"
        case "BIGDECIMAL", "BIGNUMERIC": return "BIGNUMERIC"
        case let other: return other
        }
    }
}
