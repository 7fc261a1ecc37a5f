/// Lower-case hex rendering and parsing for checksums and digests.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Renders `bytes` as lower-case hex.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A CRC-32 as 8 lower-case hex digits.
    static func crc32(_ value: UInt32) -> String {
        encode([UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    /// Parses exactly 8 lower-case hex digits.
    static func parseCRC32(_ text: String) -> UInt32? {
        parseCRC32(Array(text.utf8)[...])
    }

    /// Parses exactly 8 lower-case hex digits.
    static func parseCRC32(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard bytes.count == 8 else { return nil }
        var value: UInt32 = 0
        for byte in bytes {
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte - 0x30
            case 0x61...0x66: nibble = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
