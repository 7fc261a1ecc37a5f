/// Percent-decoding for request paths, query strings and form bodies (RFC 3986 §2.1).
///
/// Pure functions; safe from any thread.
public enum PercentDecoding {
    /// Decodes `%XX` escapes; `+` becomes a space only when `plusIsSpace` (form encoding).
    ///
    /// - Returns: nil when an escape is truncated or not hexadecimal. Invalid UTF-8 after
    ///   decoding is repaired with U+FFFD, as `String(decoding:)` does.
    public static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            if c == 0x25 {
                guard i + 2 < utf8.count, let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) else {
                    return nil
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && c == 0x2B ? 0x20 : c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Splits `a=1&b=2` into decoded items, keeping order and duplicates; items without `=` get "".
    ///
    /// - Returns: nil when any escape is invalid.
    public static func queryItems(_ query: String, plusIsSpace: Bool = false) -> [(name: String, value: String)]? {
        var items: [(name: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(pieces[0], plusIsSpace: plusIsSpace) else { return nil }
            let value: String
            if pieces.count > 1 {
                guard let v = decode(pieces[1], plusIsSpace: plusIsSpace) else { return nil }
                value = v
            } else {
                value = ""
            }
            items.append((name: name, value: value))
        }
        return items
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
