/// Encodes text as Windows-1252 (code page 1252) bytes, as SYSPRO's e.net responses are
/// declared (`encoding="Windows-1252"`, reference §2.3).
///
/// A character with no cp1252 byte becomes `?` — one per Unicode scalar — which is what SQL
/// Server does when Unicode text is stored in or converted to a cp1252 `varchar`. So `中文`
/// becomes `??` and an emoji `?`.
enum Windows1252 {
    /// The 0x80–0x9F block, which differs from ISO-8859-1 (0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned).
    private static let high: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The cp1252 byte for a scalar, or nil.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 0x80 || (v >= 0xA0 && v <= 0xFF) { return UInt8(v) }
        return high[v]
    }

    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { out.append(byte(for: scalar) ?? 0x3F) }
        return out
    }

    /// The same text after a round trip through cp1252 (what an e.net client can receive).
    static func lossy(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(byte(for: scalar) == nil ? "?" : scalar) }
        return String(out)
    }
}
