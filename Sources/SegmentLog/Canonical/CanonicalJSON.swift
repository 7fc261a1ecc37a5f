/// A JSON value with exactly one byte encoding (docs/staging-format.md §4.2).
///
/// Manifests, schemas, journal records and quarantine reasons are built as `CanonicalJSON` and
/// encoded with ``encoded()``: object members sorted by the keys' UTF-8 bytes, no insignificant
/// whitespace, integers only, strings escaped minimally. Hashes over the bytes are therefore hashes
/// over the value. Decimals travel as strings. This type is a value type and is `Sendable`.
public enum CanonicalJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical bytes of this value, without a trailing newline.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        append(to: &output)
        return output
    }

    /// Appends the canonical bytes of this value to `output`.
    public func append(to output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value):
            output.append(contentsOf: String(value).utf8)
        case .string(let value):
            Self.appendString(value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.append(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var index = 0
            for member in Self.sortedMembers(members) {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                index += 1
                Self.appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.append(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// The members of `dictionary` ordered by their keys' UTF-8 bytes, the order §4.2 requires.
    ///
    /// Checks in O(n) whether the members already are in order (small or pre-ordered maps) and sorts only
    /// when they are not; the comparison reads the keys' contiguous UTF-8 directly, without iterators.
    static func sortedMembers<Value>(_ dictionary: [String: Value]) -> [(key: String, value: Value)] {
        var members = Array(dictionary)
        var ordered = true
        var index = 1
        while index < members.count {
            if !utf8Precedes(members[index - 1].key, members[index].key) {
                ordered = false
                break
            }
            index += 1
        }
        if !ordered {
            // Sorting positions, not members, moves no keys or values (no reference counting per move).
            let order = members.indices.sorted { utf8Precedes(members[$0].key, members[$1].key) }
            members = order.map { members[$0] }
        }
        return members
    }

    /// Whether `lhs` orders before `rhs` by UTF-8 bytes (not by Unicode canonical equivalence, as `<` does).
    static func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
        // Native strings (all of a manifest's) expose their UTF-8 without a copy.
        if let result = lhs.utf8.withContiguousStorageIfAvailable({ left in
            rhs.utf8.withContiguousStorageIfAvailable { right in bytesPrecede(left, right) }
        }), let result {
            return result
        }
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in bytesPrecede(left, right) } }
    }

    /// Whether `left` orders before `right` byte by byte (a proper prefix first): the order of canonical keys.
    public static func bytesPrecede(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.precedes(left, right)
    }

    /// Appends `map` as a JSON object of strings, keys in UTF-8 byte order.
    static func appendStringMap(_ map: [String: String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        for member in sortedMembers(map) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            appendString(member.key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendString(member.value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Appends `text` as a JSON string with the minimal escapes of §4.2.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString($0, to: &output) }
    }

    /// Appends `bytes` (any bytes, not necessarily UTF-8) as a JSON string with the minimal escapes of §4.2.
    static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendString($0, to: &output) }
    }

    /// Appends `bytes` as a JSON string with the minimal escapes of §4.2. Bytes at or above 0x80 are
    /// copied as they are, so any byte sequence (even one that is not UTF-8) survives byte for byte.
    static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            output.append(0x5C)
            switch byte {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x09: output.append(UInt8(ascii: "t"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            default:
                output.append(UInt8(ascii: "u"))
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "0"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            }
            index += 1
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        output.append(UInt8(ascii: "\""))
    }

    /// The lowercase hex digit of `nibble` (0...15).
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension CanonicalJSON {
    /// The member `key` of an object, or `nil`.
    subscript(key: String) -> CanonicalJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var arrayValue: [CanonicalJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var objectValue: [String: CanonicalJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    var isNull: Bool { self == .null }
}
