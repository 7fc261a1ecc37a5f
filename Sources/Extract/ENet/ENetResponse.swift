import Common

/// Reading e.net REST responses, which always come back with HTTP 200 (syspro.md §2.2, §4 pitfall 2): the
/// body alone says whether the call worked.
///
/// Failure bodies, in the order they are checked:
/// 1. `ERROR: …` plain text (possibly JSON-quoted or in a `<string>` wrapper) [C];
/// 2. `e.net exception 100000`: the business object is not licensed or not installed [S] GO;
/// 3. XML with `ErrorNumber` / `ErrorDescription` / `ErrorMessage` / `Exception/Message` elements [C]/[S].
/// An `ERROR` that mentions the session (see ``ENetConfiguration/sessionErrorWords``) is a session error:
/// the client logs on again once and retries once.
enum ENetResponse {
    /// What a body says.
    enum Outcome: Equatable {
        case success
        case error(String)
        case sessionExpired(String)
        case notLicensed(String)
    }

    /// The body as UTF-8: bodies declaring UTF-8 are checked as such, all others are Windows-1252 (every
    /// e.net business-object response declares it, and plain-text bodies are ASCII).
    static func utf8Body(_ bytes: [UInt8], policy: Windows1252.UndefinedBytePolicy, what: String) throws -> [UInt8] {
        if let encoding = XMLTree.declaredEncoding(bytes), encoding == "utf-8" || encoding == "utf8" {
            guard String(validating: bytes, as: UTF8.self) != nil else {
                throw SysproBQError(
                    .protocolViolation,
                    "\(what): the response declares UTF-8 but is not valid UTF-8",
                    disposition: .retryable
                )
            }
            return bytes
        }
        return try Windows1252.decode(bytes, policy: policy, what: what)
    }

    /// The text inside the three known wrappings of a plain-text answer: bare, JSON-quoted (`"…"`) or a WCF
    /// serialised `<string xmlns="…">…</string>`; trimmed of surrounding whitespace (§2.2).
    static func unwrap(_ text: String) -> String {
        var value = text.trimmingSpaces()
        // The closing tag is searched only after the opening tag's '>': a body such as `<string</string>` must
        // not form a reversed range (found by the e.net fuzz target).
        if value.hasPrefix("<string"), let open = value.firstIndex(of: ">"),
            let close = value[value.index(after: open)...].firstRange(of: "</string>")
        {
            let inner = String(value[value.index(after: open)..<close.lowerBound])
            value = decodeXMLEntities(inner).trimmingSpaces()
        } else if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = decodeJSONString(String(value.dropFirst().dropLast())).trimmingSpaces()
        }
        return value
    }

    /// Classifies a UTF-8 body.
    static func outcome(of body: [UInt8], sessionWords: [String]) -> Outcome {
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        let plain = unwrap(text)
        if plain.lowercased().contains("e.net exception 100000") { return .notLicensed(excerpt(plain)) }
        if plain.uppercased().hasPrefix("ERROR") {
            var message = String(plain.dropFirst(5)).trimmingSpaces()
            if message.hasPrefix(":") { message = String(message.dropFirst()).trimmingSpaces() }
            let lowered = message.lowercased()
            if sessionWords.contains(where: { lowered.contains($0.lowercased()) }) {
                return .sessionExpired(excerpt(message))
            }
            return .error(excerpt(message))
        }
        guard plain.hasPrefix("<"), let root = try? XMLTree.parse(Array(plain.utf8), what: "e.net response") else {
            return .success
        }
        if let message = xmlError(root) {
            let lowered = message.lowercased()
            if lowered.contains("e.net exception 100000") { return .notLicensed(excerpt(message)) }
            // An exception element about the session is a session error too (§2.5).
            if root.localName.caseInsensitiveEquals("Exception") || !root.descendants("Exception").isEmpty,
                sessionWords.contains(where: { lowered.contains($0.lowercased()) })
            {
                return .sessionExpired(excerpt(message))
            }
            return .error(excerpt(message))
        }
        return .success
    }

    /// The error text of an XML body, if it carries one.
    static func xmlError(_ root: XMLTree.Element) -> String? {
        let description = (root.descendants("ErrorDescription") + root.descendants("ErrorMessage")).first?.text
        let number = root.descendants("ErrorNumber").first?.text.trimmingSpaces()
        if let description, !description.trimmingSpaces().isEmpty {
            let text = description.trimmingSpaces()
            if let number, !number.isEmpty, number != "0" { return "\(text) (error \(number))" }
            return text
        }
        if let number, !number.isEmpty, number != "0" { return "error number \(number)" }
        for exception in [root] + root.descendants("Exception")
        where exception.localName.caseInsensitiveEquals("Exception") {
            if let message = exception.descendants("Message").first?.text.trimmingSpaces(), !message.isEmpty {
                return message
            }
        }
        if root.localName.caseInsensitiveEquals("Error") { return root.text.trimmingSpaces() }
        return nil
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    private static func decodeXMLEntities(_ text: String) -> String {
        text.replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">").replacingAll("&quot;", with: "\"")
            .replacingAll("&apos;", with: "'").replacingAll("&amp;", with: "&")
    }

    private static func decodeJSONString(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var output = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let escaped = iterator.next() else {
                output.append(character)
                continue
            }
            switch escaped {
            case "n": output.append("\n")
            case "t": output.append("\t")
            case "r": output.append("\r")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let digit = iterator.next() { hex.append(digit) } }
                if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                    output.unicodeScalars.append(scalar)
                }
            default: output.append(escaped)
            }
        }
        return output
    }
}

extension String {
    /// `self` without leading and trailing spaces, tabs, CR and LF. Never used on key values.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
