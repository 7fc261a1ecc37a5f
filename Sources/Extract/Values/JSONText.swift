/// Writing JSON string literals byte-exactly (RFC 8259 §7).
enum JSONText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `"` + the escaped bytes + `"`. Only `"`, `\` and control characters are escaped, so the
    /// output is canonical: the same string always gives the same bytes, whatever escapes the source used.
    @inline(__always)
    static func appendString<Sink: ByteSink>(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout Sink) {
        output.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            output.append(UInt8(ascii: "\""))
            return
        }
        let count = bytes.count
        var runStart = 0
        var index = 0
        while true {
            index = PlainJSONBytes.endOfRun(base, from: index, to: count)
            guard index < count else { break }
            let byte = base[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                index += 1  // UTF-8 bytes are copied as they are
                continue
            }
            if index > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            index += 1
            runStart = index
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            default:
                output.append(UInt8(ascii: "u"))
                output.append(0x30)
                output.append(0x30)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            }
        }
        if count > runStart {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `string` as a JSON string literal.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        var copy = string
        copy.withUTF8 { appendString($0, to: &output) }
    }
}
