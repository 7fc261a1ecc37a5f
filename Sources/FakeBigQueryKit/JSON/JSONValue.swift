/// A JSON value that keeps every number as the exact text it arrived as.
///
/// BigQuery rows carry money as decimal text; parsing numbers into `Double` would change them, so this
/// type never does. Objects keep their members in the order received. Values are immutable and `Sendable`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number, as the source text (for example `"1234.50"` or `"-1e3"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value of the first member named `key` when this is an object; otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The boolean of a `true`/`false` value.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The members of an object value.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array value.
    public var arrayElements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// An integer read from a JSON number or a string of digits (Google sends int64 values as strings).
    public var integerValue: Int? {
        switch self {
        case .number(let text), .string(let text): Int(text)
        default: nil
        }
    }

    /// The JSON type name used in error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public let key: String
    public let value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// Builds an object from pairs, skipping pairs whose value is `nil`.
    static func object(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { pair in pair.1.map { JSONMember(pair.0, $0) } })
    }

    /// `{}`.
    static let emptyObject = JSONValue.object([JSONMember]())

    /// A JSON string holding an integer, as Google renders int64 fields.
    static func int64String(_ value: Int) -> JSONValue { .string(String(value)) }

    /// Returns a copy of this object with `key` set to `value` (replacing the first member of that name).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index] = JSONMember(key, value)
        } else {
            members.append(JSONMember(key, value))
        }
        return .object(members)
    }
}
