/// A small XML reader for COMFND request documents: elements, attributes (skipped), text with
/// the five predefined entities and numeric references, CDATA, comments and the declaration.
/// Text is kept exactly (no trimming), because key values carry leading spaces.
struct XMLElement: Equatable {
    var name: String
    var children: [XMLElement] = []
    var text = ""

    func child(_ name: String) -> XMLElement? {
        children.first { $0.name.lowercased() == name.lowercased() }
    }

    func all(_ name: String) -> [XMLElement] { children.filter { $0.name.lowercased() == name.lowercased() } }
}

enum MiniXML {
    struct ParseError: Error {
        let message: String
    }

    static func parse(_ text: String) throws(ParseError) -> XMLElement {
        let s = Array(text.unicodeScalars)
        var i = 0
        var stack: [XMLElement] = []
        var root: XMLElement?
        func starts(_ p: String, at k: Int) -> Bool {
            let q = Array(p.unicodeScalars)
            return k + q.count <= s.count && Array(s[k..<(k + q.count)]) == q
        }
        func find(_ p: String, from k: Int) -> Int? {
            var j = k
            while j < s.count {
                if starts(p, at: j) { return j }
                j += 1
            }
            return nil
        }
        while i < s.count {
            if s[i] == "<" {
                if starts("<?", at: i) {
                    guard let e = find("?>", from: i) else { throw ParseError(message: "unterminated declaration") }
                    i = e + 2
                } else if starts("<!--", at: i) {
                    guard let e = find("-->", from: i) else { throw ParseError(message: "unterminated comment") }
                    i = e + 3
                } else if starts("<![CDATA[", at: i) {
                    guard let e = find("]]>", from: i) else { throw ParseError(message: "unterminated CDATA") }
                    guard !stack.isEmpty else { throw ParseError(message: "CDATA outside an element") }
                    stack[stack.count - 1].text += String(String.UnicodeScalarView(s[(i + 9)..<e]))
                    i = e + 3
                } else if starts("</", at: i) {
                    guard let e = find(">", from: i) else { throw ParseError(message: "unterminated end tag") }
                    let name = String(String.UnicodeScalarView(s[(i + 2)..<e])).trimmingCharacters(in: " ")
                    guard let open = stack.popLast(), open.name == name else {
                        throw ParseError(message: "mismatched end tag </\(name)>")
                    }
                    if stack.isEmpty { root = open } else { stack[stack.count - 1].children.append(open) }
                    i = e + 1
                } else {
                    guard let e = find(">", from: i) else { throw ParseError(message: "unterminated start tag") }
                    let selfClosing = s[e - 1] == "/"
                    let inner = String(String.UnicodeScalarView(s[(i + 1)..<(selfClosing ? e - 1 : e)]))
                    let name = String(
                        inner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).first ?? ""
                    )
                    guard !name.isEmpty else { throw ParseError(message: "empty element name") }
                    let element = XMLElement(name: name)
                    if selfClosing {
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                    } else {
                        stack.append(element)
                    }
                    i = e + 1
                }
            } else {
                var j = i
                while j < s.count && s[j] != "<" { j += 1 }
                let raw = String(String.UnicodeScalarView(s[i..<j]))
                if !stack.isEmpty {
                    stack[stack.count - 1].text += try unescape(raw)
                } else if !raw.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }) {
                    throw ParseError(message: "text outside the root element")
                }
                i = j
            }
        }
        guard stack.isEmpty, let root else { throw ParseError(message: "document is incomplete") }
        return root
    }

    static func unescape(_ text: String) throws(ParseError) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw ParseError(message: "bad entity") }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let hex = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                guard entity.hasPrefix("#"), let code = UInt32(entity.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
                    let scalar = Unicode.Scalar(code)
                else { throw ParseError(message: "unknown entity &\(entity);") }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String { Substring(self).trimmingCharacters(in: character) }
}
