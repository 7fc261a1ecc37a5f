/// Appends text renderings of values to a byte array: the one place that spells how the
/// simulator writes decimals, dates, rowversions and JSON strings.
///
/// Not thread-safe; one per response.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Writes an unscaled decimal with exactly `scale` fraction digits: (123450, 2) → `1234.50`.
    mutating func appendDecimal(_ unscaled: Int64, scale: Int) {
        var magnitude = unscaled.magnitude
        if unscaled < 0 { bytes.append(0x2D) }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0 || count <= scale
            var i = count - 1
            while i >= 0 {
                if i == scale - 1 { bytes.append(0x2E) }
                bytes.append(buf[i])
                i -= 1
            }
        }
    }

    /// Writes `YYYY-MM-DD`.
    mutating func appendDate(_ days: Int32) {
        let (y, m, d) = CivilDate.civil(days)
        appendPadded(y, width: 4)
        bytes.append(0x2D)
        appendPadded(m, width: 2)
        bytes.append(0x2D)
        appendPadded(d, width: 2)
    }

    mutating func appendPadded(_ value: Int, width: Int) {
        var text = String(value)
        while text.utf8.count < width { text = "0" + text }
        append(text)
    }

    /// Writes 16 upper-case hex digits of a rowversion.
    mutating func appendHex16(_ v: UInt64) {
        let hex: StaticString = "0123456789ABCDEF"
        hex.withUTF8Buffer { h in
            var shift = 60
            while shift >= 0 {
                bytes.append(h[Int((v >> UInt64(shift)) & 0xF)])
                shift -= 4
            }
        }
    }

    /// Writes the base64 of a rowversion's 8 big-endian bytes (12 characters with one `=`).
    mutating func appendBase64Stamp(_ v: UInt64) {
        var raw: [UInt8] = []
        for i in (0..<8).reversed() { raw.append(UInt8((v >> UInt64(i * 8)) & 0xFF)) }
        append(Base64.encode(raw))
    }

    /// Writes a JSON string literal: `"` `\` and control characters escaped, other bytes raw UTF-8.
    mutating func appendJSONString(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for i in 0..<u.count {
                let c = u[i]
                if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
                if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i])) }
                runStart = i + 1
                switch c {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    append("\\u00")
                    let hex: StaticString = "0123456789abcdef"
                    hex.withUTF8Buffer { h in
                        bytes.append(h[Int(c >> 4)])
                        bytes.append(h[Int(c & 0xF)])
                    }
                }
            }
            if runStart < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count])) }
        }
        bytes.append(0x22)
    }
}

/// RFC 4648 base64, standard alphabet with padding.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i + 2 < data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            out += [
                alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)],
            ]
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64 (padding optional), and base64url too when `urlSafeToo`
    /// (OData's `binary'…'` literal is base64url); nil on any other character.
    static func decode(_ text: String, urlSafeToo: Bool = false) -> [UInt8]? {
        var value: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        for var c in text.utf8 {
            if c == 0x3D { break }
            if urlSafeToo && c == 0x2D { c = 0x2B }
            if urlSafeToo && c == 0x5F { c = 0x2F }
            guard let idx = alphabet.firstIndex(of: c) else { return nil }
            value = value << 6 | UInt32(idx)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((value >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
