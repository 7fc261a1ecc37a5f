import Common
import Foundation

/// A small, tolerant XML parser for e.net responses and OData `$metadata` (CSDL) documents.
///
/// It reads elements, attributes (single or double quoted), text, the five predefined entities, numeric
/// character references (`&#NN;`, `&#xNN;`), CDATA sections, comments, processing instructions and the XML
/// declaration, and skips a DOCTYPE. Text is kept exactly, whitespace included: SYSPRO keys carry leading
/// spaces (`<PurchaseOrder> 00001</PurchaseOrder>`). Names are matched case-insensitively through
/// ``Element/child(_:)``, because e.net changes element case between objects (syspro.md §2.3). Tolerant means:
/// an unknown entity such as `&nbsp;` is kept as written instead of failing the document; malformed structure
/// (a mismatched or missing end tag, a truncated document) is still an error.
///
/// Input is UTF-8; callers convert Windows-1252 first (``Windows1252``). Not a validating parser; no DTDs,
/// no external entities (which also rules out XXE attacks).
enum XMLTree {
    /// One element: name, attributes, children and its own text (the concatenation of its text nodes).
    struct Element: Sendable, Hashable {
        var name: String
        var attributes: [(name: String, value: String)] = []
        var children: [Element] = []
        var text: String = ""

        /// The name without a namespace prefix (`edmx:Edmx` → `Edmx`).
        var localName: Substring {
            guard let colon = name.lastIndex(of: ":") else { return name[...] }
            return name[name.index(after: colon)...]
        }

        /// The first child whose local name equals `name`, ignoring case.
        func child(_ name: String) -> Element? {
            children.first(where: { XMLTree.localName(of: $0.name, equals: name) })
        }

        /// Every child whose local name equals `name`, ignoring case.
        func children(_ name: String) -> [Element] {
            children.filter { XMLTree.localName(of: $0.name, equals: name) }
        }

        /// Every descendant (depth first) whose local name equals `name`, ignoring case.
        func descendants(_ name: String) -> [Element] {
            var found: [Element] = []
            collectDescendants(name, into: &found)
            return found
        }

        private func collectDescendants(_ name: String, into found: inout [Element]) {
            for child in children {
                if XMLTree.localName(of: child.name, equals: name) { found.append(child) }
                child.collectDescendants(name, into: &found)
            }
        }

        /// The value of attribute `name` (local name, ignoring case).
        func attribute(_ name: String) -> String? {
            attributes.first(where: { XMLTree.localName(of: $0.name, equals: name) })?.value
        }

        static func == (lhs: Element, rhs: Element) -> Bool {
            lhs.name == rhs.name && lhs.text == rhs.text && lhs.children == rhs.children
                && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
                && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(text)
            hasher.combine(children)
        }
    }

    /// Whether the local part of `qualified` (after its last `:`) equals `name`, ignoring ASCII case.
    ///
    /// Compares the UTF-8 bytes in place: a CSDL document asks this of every attribute of every property (a
    /// real SYSPRO `$metadata` has thousands), so splitting names into new strings made parsing ~770
    /// instructions per byte.
    static func localName(of qualified: String, equals name: String) -> Bool {
        var qualified = qualified
        var name = name
        return qualified.withUTF8 { whole in
            name.withUTF8 { wanted in
                var start = whole.count
                while start > 0, whole[start - 1] != UInt8(ascii: ":") { start -= 1 }
                guard whole.count - start == wanted.count else { return false }
                for offset in 0..<wanted.count where !asciiCaseInsensitiveEqual(whole[start + offset], wanted[offset]) {
                    return false
                }
                return true
            }
        }
    }

    /// Whether two UTF-8 bytes are equal, ignoring the case of ASCII letters.
    @inline(__always)
    static func asciiCaseInsensitiveEqual(_ lhs: UInt8, _ rhs: UInt8) -> Bool {
        lhs == rhs || (lhs | 0x20 == rhs | 0x20 && (lhs | 0x20) >= 0x61 && (lhs | 0x20) <= 0x7A)
    }

    /// Parses `bytes` (UTF-8) and returns the root element.
    ///
    /// - Throws: `SysproBQError` `.protocolViolation` naming `what` and the byte offset.
    static func parse(_ bytes: [UInt8], what: String) throws -> Element {
        var parser = Parser(bytes: bytes, what: what)
        return try parser.document()
    }

    /// The encoding named in an XML declaration at the start of `bytes`, lower-cased, if any.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        var start = 0
        while start < bytes.count,
            bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D
                || bytes[start] == 0x09 || bytes[start] == 0xEF || bytes[start] == 0xBB || bytes[start] == 0xBF
        {
            start += 1
        }
        guard bytes[start...].starts(with: Array("<?xml".utf8)),
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ">"))
        else { return nil }
        let declaration = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
        guard let range = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "=" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix(while: { $0 != quote }))
    }
}

extension StringProtocol {
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy(XMLTree.asciiCaseInsensitiveEqual)
    }
}

private struct Parser {
    let bytes: [UInt8]
    let what: String
    var index = 0

    init(bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    mutating func document() throws -> XMLTree.Element {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        var root: XMLTree.Element?
        while true {
            skipWhitespace()
            guard index < bytes.count else { break }
            guard bytes[index] == UInt8(ascii: "<") else {
                if root == nil {
                    throw failure("the response is not XML (it starts with \(excerpt()))")
                }
                throw failure("unexpected text after the root element")
            }
            if try skipMarkup() { continue }
            guard root == nil else { throw failure("a second root element") }
            root = try element()
        }
        guard let root else { throw failure("the document has no root element") }
        return root
    }

    /// Skips a declaration, processing instruction, comment or DOCTYPE at `index`; false if it is an element.
    mutating func skipMarkup() throws -> Bool {
        if starts("<?") {
            try skip(past: "?>")
            return true
        }
        if starts("<!--") {
            try skip(past: "-->")
            return true
        }
        if starts("<!DOCTYPE") || starts("<!doctype") {
            try skip(past: ">")
            return true
        }
        return false
    }

    mutating func element() throws -> XMLTree.Element {
        let start = index
        index += 1  // <
        let name = try readName()
        var element = XMLTree.Element(name: name)
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("the document ended inside the start tag of <\(name)>") }
            if bytes[index] == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                    throw failure("a malformed start tag of <\(name)>")
                }
                index += 2
                return element
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            let attributeName = try readName()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw failure("attribute \(attributeName) of <\(name)> has no value")
            }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw failure("attribute \(attributeName) of <\(name)> is not quoted")
            }
            let quote = bytes[index]
            index += 1
            guard let end = bytes[index...].firstIndex(of: quote) else {
                throw failure("the document ended inside attribute \(attributeName) of <\(name)>")
            }
            element.attributes.append((attributeName, decodeEntities(bytes[index..<end])))
            index = end + 1
        }
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw failure("the document ended inside <\(name)> (opened at byte \(start)): the body was cut short")
            }
            let byte = bytes[index]
            if byte != UInt8(ascii: "<") {
                let end = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                text += decodeEntitiesBytes(bytes[index..<end])
                index = end
                continue
            }
            if starts("<![CDATA[") {
                index += 9
                guard let end = find("]]>") else { throw failure("an unterminated CDATA section in <\(name)>") }
                text += bytes[index..<end]
                index = end + 3
                continue
            }
            if try skipMarkup() { continue }
            if starts("</") {
                index += 2
                let closing = try readName()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                    throw failure("a malformed end tag </\(closing)>")
                }
                index += 1
                // Names must match exactly in XML; e.net is tolerated when only the case differs.
                guard closing.caseInsensitiveEquals(name) else {
                    throw failure("end tag </\(closing)> does not close <\(name)>")
                }
                element.text = String(decoding: text, as: UTF8.self)
                return element
            }
            element.children.append(try self.element())
        }
    }

    mutating func readName() throws -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
            {
                break
            }
            index += 1
        }
        guard index > start else { throw failure("an element or attribute without a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    func decodeEntities(_ slice: ArraySlice<UInt8>) -> String {
        String(decoding: decodeEntitiesBytes(slice), as: UTF8.self)
    }

    func decodeEntitiesBytes(_ slice: ArraySlice<UInt8>) -> [UInt8] {
        guard slice.contains(UInt8(ascii: "&")) else { return Array(slice) }
        var output: [UInt8] = []
        var position = slice.startIndex
        while position < slice.endIndex {
            let byte = slice[position]
            guard byte == UInt8(ascii: "&"), let semicolon = slice[position...].prefix(12).firstIndex(of: 0x3B) else {
                output.append(byte)
                position += 1
                continue
            }
            let name = String(decoding: slice[(position + 1)..<semicolon], as: UTF8.self)
            var replacement: [UInt8]?
            switch name {
            case "amp": replacement = [UInt8(ascii: "&")]
            case "lt": replacement = [UInt8(ascii: "<")]
            case "gt": replacement = [UInt8(ascii: ">")]
            case "quot": replacement = [UInt8(ascii: "\"")]
            case "apos": replacement = [UInt8(ascii: "'")]
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Self.utf8)
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst(), radix: 10).flatMap(Self.utf8)
                }
            }
            if let replacement {
                output += replacement
                position = semicolon + 1
            } else {
                // Tolerant: an unknown or invalid reference is kept as written.
                output.append(byte)
                position += 1
            }
        }
        return output
    }

    static func utf8(_ value: UInt32) -> [UInt8]? {
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        {
            index += 1
        }
    }

    func starts(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        return true
    }

    func find(_ text: StaticString) -> Int? {
        var position = index
        let count = text.utf8CodeUnitCount
        while position + count <= bytes.count {
            var matched = true
            for offset in 0..<count where bytes[position + offset] != text.utf8Start[offset] {
                matched = false
                break
            }
            if matched { return position }
            position += 1
        }
        return nil
    }

    mutating func skip(past text: StaticString) throws {
        guard let found = find(text) else { throw failure("the document ended inside markup") }
        index = found + text.utf8CodeUnitCount
    }

    func excerpt() -> String {
        let end = min(bytes.count, index + 40)
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self) + "'"
    }

    func failure(_ problem: String) -> SysproBQError {
        SysproBQError(
            .protocolViolation,
            "\(what): malformed XML at byte \(index): \(problem)",
            remedy: "the service sent a response that is not the XML expected; retry, and if it persists capture the "
                + "response for SYSPRO support",
            disposition: .retryable
        )
    }
}
