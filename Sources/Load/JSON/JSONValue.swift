/// A JSON value whose object members keep the order they were written in, so request bodies are byte-stable
/// and can be compared against golden text.
///
/// Request bodies are built from this type rather than `JSONSerialization`, which neither keeps key order nor
/// promises how it spells numbers. Row data never passes through here: insertAll splices the staged lines as
/// they are (``InsertAllBody``).
///
/// This type is a value type and is `Sendable`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])
    /// Text that is already valid JSON, written as is.
    case raw(String)

    /// Renders the value as compact JSON text (no spaces).
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// Renders the value as UTF-8 bytes.
    public var bytes: [UInt8] { Array(text.utf8) }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): JSONValue.writeString(value, into: &out)
        case .raw(let value): out += value
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(member.name, into: &out)
                out += ":"
                member.value.write(into: &out)
            }
            out += "}"
        }
    }

    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters
    /// (RFC 8259 §7). Other characters are written as UTF-8.
    static func writeString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// The JSON string literal for `value`.
    static func quoted(_ value: String) -> String {
        var out = ""
        writeString(value, into: &out)
        return out
    }
}

/// One `"name": value` member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public let name: String
    public let value: JSONValue

    public init(_ name: String, _ value: JSONValue) {
        self.name = name
        self.value = value
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    /// Builds an object; dictionary literals keep their written order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }

    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
