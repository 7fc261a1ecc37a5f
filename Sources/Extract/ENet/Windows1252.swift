import Common

/// Decoding of Windows-1252 bytes to UTF-8, written out because e.net declares every response
/// `encoding="Windows-1252"` (syspro.md §2.3) and Foundation's XML parser on Linux may reject or mangle it.
///
/// 0x00–0x7F are ASCII, 0xA0–0xFF are Latin-1, and 0x80–0x9F follow Microsoft's table
/// (https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT), e.g. 0x80 → €, 0x9C → œ,
/// 0x92 → ’. Five bytes are undefined there: 0x81, 0x8D, 0x8F, 0x90 and 0x9D.
///
/// For those the choice is ``UndefinedBytePolicy``. The default is `.reject`: an undefined byte means the data
/// is not the cp1252 text the server declared, and staging a guess would alter it silently. `.mapToC1` is what
/// Windows' own `MultiByteToWideChar(1252, …)` does (best fit: each becomes the C1 control U+0081 … U+009D);
/// it is lossless and reversible, for sites that do store such bytes and accept that.
enum Windows1252 {
    enum UndefinedBytePolicy: String, Sendable, Hashable, Codable {
        case reject
        case mapToC1
    }

    /// Code points for 0x80…0x9F; 0 marks the five undefined bytes.
    private static let highTable: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    /// The UTF-8 encoding of `bytes` read as Windows-1252.
    ///
    /// - Throws: `SysproBQError` `.protocolViolation` naming the offset of an undefined byte under `.reject`.
    static func decode(_ bytes: [UInt8], policy: UndefinedBytePolicy, what: String) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        for (offset, byte) in bytes.enumerated() {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            var scalar = UInt32(byte)
            if byte < 0xA0 {
                scalar = highTable[Int(byte - 0x80)]
                if scalar == 0 {
                    guard policy == .mapToC1 else {
                        throw SysproBQError(
                            .protocolViolation,
                            "\(what): byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset) is not "
                                + "defined in Windows-1252, the encoding the response declares",
                            remedy: "the SYSPRO data holds a byte outside Windows-1252 (nothing was staged from this "
                                + "response): correct the record in SYSPRO, or read this table over OData, which sends "
                                + "UTF-8",
                            disposition: .needsHuman
                        )
                    }
                    scalar = UInt32(byte)
                }
            }
            if scalar < 0x800 {
                output.append(UInt8(0xC0 | scalar >> 6))
                output.append(UInt8(0x80 | scalar & 0x3F))
            } else {
                output.append(UInt8(0xE0 | scalar >> 12))
                output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                output.append(UInt8(0x80 | scalar & 0x3F))
            }
        }
        return output
    }
}
