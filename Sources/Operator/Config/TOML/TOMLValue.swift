/// A position in a TOML source: 1-based line and column (columns count Unicode scalars).
///
/// This type is a value type and is `Sendable`.
public struct TOMLPosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A value of the TOML subset syspro-bq reads: strings, integers, booleans and arrays of them.
///
/// Floats, dates and inline tables are not part of the subset; the parser rejects them with a position.
public indirect enum TOMLValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([TOMLValue])

    /// The TOML type name used in error messages ("a string", "an integer", ...).
    public var typeDescription: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .array: return "an array"
        }
    }

    /// The value written back as TOML, for error messages and for `status`.
    public var description: String {
        switch self {
        case .string(let text): return TOMLValue.quoted(text)
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// `text` as a TOML basic string, with the escapes TOML requires.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// One `key = value` line, with where the key and the value start.
public struct TOMLEntry: Sendable, Hashable {
    public var key: String
    public var value: TOMLValue
    public var keyPosition: TOMLPosition
    public var valuePosition: TOMLPosition

    public init(key: String, value: TOMLValue, keyPosition: TOMLPosition, valuePosition: TOMLPosition) {
        self.key = key
        self.value = value
        self.keyPosition = keyPosition
        self.valuePosition = valuePosition
    }
}

/// A table: its header path (`[tables.ApInvoice]` is `["tables", "ApInvoice"]`, the root table is `[]`), where
/// the header is, and its entries in file order.
public struct TOMLTable: Sendable, Hashable {
    public var path: [String]
    public var headerPosition: TOMLPosition
    public var entries: [TOMLEntry]

    public init(path: [String], headerPosition: TOMLPosition, entries: [TOMLEntry] = []) {
        self.path = path
        self.headerPosition = headerPosition
        self.entries = entries
    }

    /// The header as written in a file, e.g. `[tables.ApInvoice]`; the root table is `(top level)`.
    public var displayName: String {
        if path.isEmpty { return "(top level)" }
        return "[" + path.map(TOMLTable.displayKey).joined(separator: ".") + "]"
    }

    /// The entry for `key`, if the table has one.
    public func entry(_ key: String) -> TOMLEntry? { entries.first { $0.key == key } }

    static func displayKey(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy(TOMLParser.isBareKeyScalar)
        return bare ? key : TOMLValue.quoted(key)
    }
}

/// A parsed TOML document: the root table first, then every `[header]` table in file order.
public struct TOMLDocument: Sendable, Hashable {
    public var tables: [TOMLTable]

    public init(tables: [TOMLTable]) { self.tables = tables }

    /// The table with exactly this header path.
    public func table(_ path: [String]) -> TOMLTable? { tables.first { $0.path == path } }
}

/// A syntax error at a line and column.
public struct TOMLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: TOMLPosition
    public var message: String

    public init(_ message: String, at position: TOMLPosition) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(position): \(message)" }
}
