/// Reads a few named values out of a row's `columnsJSON` (`"Col":value,"Col2":value`, no braces) without
/// building a dictionary of every column.
///
/// The scanner walks the members in order, so a column name quoted inside another column's string value is
/// never mistaken for a member. Values come back as their decoded text: strings unescaped, `null` as `nil`,
/// numbers and booleans as written. Pure; `Sendable`.
enum ColumnValueScanner {
    /// The values of `names` in `columnsJSON`; a name that is absent or `null` maps to `nil`.
    /// - Returns: `nil` when the text is not a well-formed member list.
    static func values(of names: Set<String>, in columnsJSON: [UInt8]) -> [String: String?]? {
        var result: [String: String?] = [:]
        var index = 0
        let bytes = columnsJSON
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 {
                index += 1
            }
        }
        while index < bytes.count {
            skipSpace()
            guard let key = readString(bytes, &index) else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < bytes.count else { return nil }
            let value: String?
            if bytes[index] == UInt8(ascii: "\"") {
                guard let text = readString(bytes, &index) else { return nil }
                value = text
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x20 { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                value = word == "null" ? nil : word
            }
            if names.contains(key) { result[key] = .some(value) }
            skipSpace()
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }
        return result
    }

    /// Reads one JSON string starting at the opening quote and leaves `index` after the closing quote.
    private static func readString(_ bytes: [UInt8], _ index: inout Int) -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                        let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    index += 4
                    // Surrogate pairs never describe key or period values; keep the replacement character.
                    let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(scalar).utf8))
                default: out.append(escape)
                }
            default:
                out.append(byte)
            }
        }
        return nil
    }
}
