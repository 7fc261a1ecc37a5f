/// Renders a COMFND response the way SYSPRO does (reference §2.3–2.4), as Windows-1252 bytes.
///
/// - Numbers are right-aligned and space-padded to precision + 2 characters
///   (`decimal(14,2)` 1234.5 → `"         1234.50"`); with edited numbers the plain element holds
///   `1,234.50` and `Unedited_X` the padded raw value.
/// - Dates are `yyyy-MM-dd`; NULL dates are `0000-00-00` (or an empty element by switch).
/// - `TimeStamp` is `0x` + 16 upper-case hex digits. NULL strings are empty elements.
/// - Text is XML-escaped (`&amp; &lt; &gt;`); tab, newline and CR stay raw; other control
///   characters become `&#xN;`; characters outside cp1252 become `?`.
/// - `<RowsReturned>` is right-aligned in 7 characters.
struct ComfndRenderer {
    let options: ENetOptions
    let query: ComfndQuery

    private func tag(_ name: String) -> String { options.lowercaseElements ? name.lowercased() : name }

    func render(rows: [[Value]]) -> [UInt8] {
        let schema = query.schema
        let root = tag(schema.name)
        var x = "<?xml version=\"1.0\" encoding=\"Windows-1252\"?>\n"
        x += "<\(root) Language='05' Language2='EN' CssStyle='' DecFormat='1' DateFormat='01' Role='01' "
        x += "Version='\(options.version)' OperatorPrimaryRole='   '>\n"
        x += "<\(tag("HeaderDetails"))><\(tag("TableName"))>\(schema.name)</\(tag("TableName"))>"
        x += "<\(tag("Columns"))>"
        for name in query.columnNames { x += "<\(tag("Column"))>\(name)</\(tag("Column"))>" }
        x += "</\(tag("Columns"))><\(tag("OrderBy"))>"
        for name in query.orderByNames { x += "<\(tag("Column"))>\(name)</\(tag("Column"))>" }
        x += "</\(tag("OrderBy"))></\(tag("HeaderDetails"))>\n"
        for row in rows {
            x += "<\(tag("Row"))>"
            for c in query.columns {
                let column = schema.columns[c]
                let name = tag(column.name)
                switch (row[c], column.type) {
                case (.null, .datetime):
                    x += options.emptyNullDates ? "<\(name)/>" : "<\(name)>0000-00-00</\(name)>"
                case (.null, _):
                    x += "<\(name)/>"
                case (.string(let s), _):
                    x += "<\(name)>\(Self.escape(s))</\(name)>"
                case (.decimal(let v), .decimal(let p, let s)):
                    var w = ByteWriter()
                    w.appendDecimal(v, scale: s)
                    let raw = String(decoding: w.bytes, as: UTF8.self)
                    let padded = String(repeating: " ", count: max(0, p + 2 - raw.count)) + raw
                    if options.editedNumbers {
                        x += "<\(name)>\(Self.edited(raw))</\(name)>"
                        x += "<\(tag("Unedited_" + column.name))>\(padded)</\(tag("Unedited_" + column.name))>"
                    } else {
                        x += "<\(name)>\(padded)</\(name)>"
                    }
                case (.date(let d), _):
                    var w = ByteWriter()
                    w.appendDate(d)
                    x += "<\(name)>\(String(decoding: w.bytes, as: UTF8.self))</\(name)>"
                case (.stamp(let s), _):
                    var w = ByteWriter()
                    w.appendHex16(s)
                    x += "<\(name)>0x\(String(decoding: w.bytes, as: UTF8.self))</\(name)>"
                default:
                    x += "<\(name)/>"
                }
            }
            x += "</\(tag("Row"))>\n"
        }
        let count = String(rows.count)
        x += "<\(tag("RowsReturned"))>\(String(repeating: " ", count: max(0, 7 - count.count)))\(count)"
        x += "</\(tag("RowsReturned"))>\n</\(root)>\n"
        return Windows1252.encode(x)
    }

    /// `-1234567.50` → `-1,234,567.50`.
    static func edited(_ raw: String) -> String {
        var text = Substring(raw)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = Array(parts[0])
        var out: [Character] = []
        while whole.count > 3 {
            out = [","] + whole.suffix(3) + out
            whole.removeLast(3)
        }
        out = whole + out
        return (negative ? "-" : "") + String(out) + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 {
                    out += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
