extension JSONValue {
    /// The compact JSON text of this value; numbers are written exactly as they were received.
    public var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    /// The UTF-8 bytes of `rendered`.
    var renderedBytes: [UInt8] { Array(rendered.utf8) }

    private func render(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): Self.renderString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.render(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.renderString(member.key, into: &output)
                output += ":"
                member.value.render(into: &output)
            }
            output += "}"
        }
    }

    /// Escapes quotes, backslashes and control characters (RFC 8259 §7); everything else stays UTF-8.
    private static func renderString(_ text: String, into output: inout String) {
        output += "\""
        // Fast path: nothing to escape, so the text is copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
