/// A JSON value of one row's field, with numbers kept as the exact text received.
///
/// JSONSerialization would turn `1234.50` into a Double; money must be compared digit for digit, so rows are
/// parsed here instead. Nested arrays and objects are kept as their raw text (rows never carry them).
enum FieldValue: Equatable, CustomStringConvertible {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case raw(String)

    /// The value as text (`nil` for JSON null), as a comparison works on it.
    var text: String? {
        switch self {
        case .string(let s), .number(let s), .raw(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        }
    }

    var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .null: return "null"
        default: return text ?? "null"
        }
    }
}

/// One row: field name → value.
typealias Row = [String: FieldValue]

/// Parses NDJSON rows (one flat JSON object per line) without losing any digit.
enum FlatJSON {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Every non-empty line of `text` as a row.
    static func rows(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            rows.append(try object(Array(line.utf8)))
        }
        return rows
    }

    /// One JSON object.
    static func object(_ bytes: [UInt8]) throws -> Row {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let row = try parser.parseObject()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("trailing bytes") }
        return row
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        func error(_ what: String) -> ParseError {
            ParseError(description: "\(what) at byte \(index) of \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else {
                throw error("expected '\(Character(Unicode.Scalar(byte)))'")
            }
            index += 1
        }

        mutating func parseObject() throws -> Row {
            try expect(0x7B)
            var row: Row = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D {
                index += 1
                return row
            }
            while true {
                skipSpace()
                let key = try parseString()
                skipSpace()
                try expect(0x3A)
                skipSpace()
                row[key] = try parseValue()
                skipSpace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == 0x2C {
                    index += 1
                    continue
                }
                try expect(0x7D)
                return row
            }
        }

        mutating func parseValue() throws -> FieldValue {
            guard index < bytes.count else { throw error("missing value") }
            switch bytes[index] {
            case 0x22: return .string(try parseString())
            case 0x74:
                try literal("true")
                return .bool(true)
            case 0x66:
                try literal("false")
                return .bool(false)
            case 0x6E:
                try literal("null")
                return .null
            case 0x7B, 0x5B: return .raw(try skipNested())
            default:
                let start = index
                while index < bytes.count,
                    (0x30...0x39).contains(bytes[index]) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains(bytes[index])
                {
                    index += 1
                }
                guard index > start else { throw error("unexpected byte") }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
                throw error("expected \(word)")
            }
            index += w.count
        }

        mutating func skipNested() throws -> String {
            let start = index
            var depth = 0
            var inString = false
            while index < bytes.count {
                let b = bytes[index]
                if inString {
                    if b == 0x5C { index += 1 } else if b == 0x22 { inString = false }
                } else if b == 0x22 {
                    inString = true
                } else if b == 0x7B || b == 0x5B {
                    depth += 1
                } else if b == 0x7D || b == 0x5D {
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return String(decoding: bytes[start..<index], as: UTF8.self)
                    }
                }
                index += 1
            }
            throw error("unterminated array or object")
        }

        mutating func parseString() throws -> String {
            try expect(0x22)
            var out: [UInt8] = []
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                if b == 0x22 { return String(decoding: out, as: UTF8.self) }
                guard b == 0x5C else {
                    out.append(b)
                    continue
                }
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        try expect(0x5C)
                        try expect(0x75)
                        let low = try hex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("bad escape")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count,
                let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw error("bad \\u escape") }
            index += 4
            return v
        }
    }
}
