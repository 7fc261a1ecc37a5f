extension CanonicalJSON {
    /// Why a byte sequence is not JSON this format accepts.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Byte offset of the problem within the parsed bytes.
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses one JSON value that fills `bytes` exactly (no surrounding whitespace is allowed either).
    ///
    /// Accepts standard JSON except numbers that are not integers in the Int64 range, and duplicate
    /// keys. The result re-encodes to canonical bytes, which callers compare with the input to detect a
    /// non-canonical (hand-edited) file.
    ///
    /// - Throws: ``ParseError`` naming the byte offset.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> CanonicalJSON {
        try parse(bytes, skippingObjectAt: [])
    }

    /// Parses like ``parse(_:)`` but passes over the object at member path `skipped` (e.g.
    /// `["controlTotals", "groups"]`) without building it: it is checked only for balanced brackets and
    /// well-formed strings, and becomes an empty object in the result.
    ///
    /// For readers that do not use a large member and check the file's integrity another way (a hash over
    /// its bytes); the result does not re-encode to the input.
    /// - Throws: ``ParseError`` naming the byte offset.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        skippingObjectAt skipped: [String]
    ) throws(ParseError) -> CanonicalJSON {
        var parser = Parser(bytes: Array(bytes), skipped: skipped)
        let value = try parser.value(depth: 0, path: skipped.isEmpty ? nil : [])
        guard parser.index == parser.bytes.count else { throw parser.error("trailing bytes after the value") }
        return value
    }
}

private struct Parser {
    let bytes: [UInt8]
    /// The member path of an object to pass over (``CanonicalJSON/parse(_:skippingObjectAt:)``); empty: none.
    var skipped: [String] = []
    var index = 0
    static let maximumDepth = 64

    func error(_ reason: String) -> CanonicalJSON.ParseError {
        CanonicalJSON.ParseError(offset: index, reason: reason)
    }

    mutating func value(depth: Int, path: [String]?) throws(CanonicalJSON.ParseError) -> CanonicalJSON {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            if let path, path == skipped {
                try skipObject(depth: depth)
                return .object([:])
            }
            return try object(depth: depth, path: path)
        case UInt8(ascii: "["): return try array(depth: depth, path: path)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
        default: throw error("unexpected byte 0x\(String(bytes[index], radix: 16))")
        }
    }

    mutating func literal(_ text: String) throws(CanonicalJSON.ParseError) {
        let expected = Array(text.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected)
        else { throw error("expected \(text)") }
        index += expected.count
    }

    mutating func expect(_ byte: UInt8) throws(CanonicalJSON.ParseError) {
        guard index < bytes.count, bytes[index] == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The path of member `key` of the object at `path` while it still leads to ``skipped``; `nil` off it.
    func childPath(_ path: [String]?, _ key: String) -> [String]? {
        guard let path, path.count < skipped.count, skipped[path.count] == key else { return nil }
        return path + [key]
    }

    /// Passes over one object: brackets balanced, strings terminated, escapes and control bytes as JSON allows.
    mutating func skipObject(depth: Int) throws(CanonicalJSON.ParseError) {
        try expect(UInt8(ascii: "{"))
        // A GenTransaction manifest passes ~1 MB of GL groups through here on every read (extract, load, status):
        // the loop runs over the buffer with a local position, and stores it back once.
        let maximumOpen = Self.maximumDepth - depth
        var position = index
        let failure: String? = bytes.withUnsafeBufferPointer { bytes in
            var open = 1
            while open > 0 {
                guard position < bytes.count else { return "unexpected end of input in an object" }
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    while true {
                        guard position < bytes.count else { return "unterminated string" }
                        let inner = bytes[position]
                        position += 1
                        if inner == UInt8(ascii: "\"") { break }
                        if inner < 0x20 { return "raw control byte in a string" }
                        if inner == UInt8(ascii: "\\") {
                            guard position < bytes.count else { return "unterminated escape" }
                            position += 1
                        }
                    }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    open += 1
                    guard open < maximumOpen else { return "nesting deeper than \(Self.maximumDepth)" }
                    position += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    open -= 1
                    position += 1
                default:
                    position += 1
                }
            }
            return nil
        }
        index = position
        if let failure { throw error(failure) }
    }

    mutating func object(depth: Int, path: [String]?) throws(CanonicalJSON.ParseError) -> CanonicalJSON {
        try expect(UInt8(ascii: "{"))
        var members: [String: CanonicalJSON] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let member = try value(depth: depth + 1, path: childPath(path, key))
            guard members.updateValue(member, forKey: key) == nil else {
                throw CanonicalJSON.ParseError(offset: keyOffset, reason: "duplicate key \(String(reflecting: key))")
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    mutating func array(depth: Int, path: [String]?) throws(CanonicalJSON.ParseError) -> CanonicalJSON {
        try expect(UInt8(ascii: "["))
        var values: [CanonicalJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try value(depth: depth + 1, path: nil))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .array(values)
        }
    }

    mutating func integer() throws(CanonicalJSON.ParseError) -> Int64 {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        guard index > digitsStart else { throw error("expected digits") }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw error("only integers are allowed; decimals travel as strings")
        }
        guard index - digitsStart == 1 || bytes[digitsStart] != 0x30 else { throw error("leading zero") }
        guard let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw CanonicalJSON.ParseError(offset: start, reason: "integer out of the Int64 range")
        }
        return value
    }

    mutating func string() throws(CanonicalJSON.ParseError) -> String {
        try expect(UInt8(ascii: "\""))
        // Fast path: a string without escapes (nearly all of them) is one validated copy of its bytes.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20
        {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard let text = String(validating: bytes[index..<end], as: UTF8.self) else {
                index = end + 1
                throw error("string is not valid UTF-8")
            }
            index = end + 1
            return text
        }
        var output: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: output, as: UTF8.self) else {
                    throw error("string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"): output.append(contentsOf: try unicodeEscape())
                default: throw error("invalid escape")
                }
            case 0x00..<0x20:
                throw error("raw control byte in a string")
            default:
                output.append(byte)
            }
        }
    }

    mutating func hex4() throws(CanonicalJSON.ParseError) -> UInt32 {
        guard bytes.count - index >= 4,
            let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw error("invalid \\u escape") }
        index += 4
        return value
    }

    mutating func unicodeEscape() throws(CanonicalJSON.ParseError) -> [UInt8] {
        var scalarValue = try hex4()
        if (0xD800..<0xDC00).contains(scalarValue) {
            guard bytes.count - index >= 2, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid code point") }
        return Array(String(Character(scalar)).utf8)
    }
}
