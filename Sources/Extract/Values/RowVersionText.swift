/// Conversions of the SQL `timestamp` rowversion between its wire forms and the staged `_version` form.
///
/// A rowversion is 8 bytes. OData sends `Edm.Binary` as base64 (`AAAAAAAAB9E=`); the staged form is `0x` +
/// 16 upper-case hex digits (`0x00000000000007D1`); an OData filter literal is `binary'AAAAAAAAB9E='`.
enum RowVersionText {
    static let byteCount = 8

    /// The staged `0x…` form of a base64 or `0x`-hex rowversion, or `nil` when it is neither or not 8 bytes.
    static func staged(fromWire text: String) -> String? {
        let bytes: [UInt8]?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            bytes = hexBytes(text.dropFirst(2))
        } else {
            bytes = Base64.decode(text)
        }
        guard let bytes, bytes.count == byteCount else { return nil }
        return "0x" + hex(bytes)
    }

    /// The staged form of an 8-byte rowversion sent as 12 characters of padded base64 (OData's `Edm.Binary`,
    /// the form every row carries), built without intermediate arrays; `nil` when `text` is not exactly that
    /// shape, so the caller falls back to ``staged(fromWire:)`` (same result for every input it accepts).
    static func staged(paddedBase64 text: UnsafeBufferPointer<UInt8>) -> String? {
        guard text.count == 12, text[11] == UInt8(ascii: "=") else { return nil }
        var accumulator: UInt64 = 0
        for index in 0..<10 {
            guard let value = base64Value(text[index]) else { return nil }
            accumulator = accumulator << 6 | UInt64(value)
        }
        guard let last = base64Value(text[10]) else { return nil }
        // 10 characters give 60 bits; the 11th adds 6 more, of which the top 4 complete the 64 (the original
        // decoder also ignores the 2 low bits of the last character).
        accumulator = accumulator << 4 | UInt64(last >> 2)
        let digits = hexDigits
        return String(unsafeUninitializedCapacity: 18) { output in
            output[0] = UInt8(ascii: "0")
            output[1] = UInt8(ascii: "x")
            for index in 0..<16 {
                output[2 + index] = digits[Int(accumulator >> UInt64(60 - 4 * index) & 0xF)]
            }
            return 18
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): return 63
        default: return nil
        }
    }

    /// The base64 form of a staged `0x…` rowversion, for an OData `binary'…'` literal.
    static func base64(fromStaged text: String) -> String? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), let bytes = hexBytes(text.dropFirst(2)),
            bytes.count == byteCount
        else { return nil }
        return Base64.encode(bytes)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Standard base64 (RFC 4648 §4) with padding, as OData uses for `Edm.Binary`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(triple >> 18 & 63)])
            output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded or unpadded base64 (also the URL-safe alphabet); `nil` for anything else.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            values.append(value)
        }
        guard values.count % 4 != 1, padding <= 2 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var accumulator: UInt32 = 0
            for value in chunk { accumulator = accumulator << 6 | UInt32(value) }
            accumulator <<= UInt32(6 * (4 - chunk.count))
            let produced = chunk.count - 1
            for shift in [16, 8, 0].prefix(produced) { output.append(UInt8(accumulator >> UInt32(shift) & 0xFF)) }
            index += 4
        }
        return output
    }
}
