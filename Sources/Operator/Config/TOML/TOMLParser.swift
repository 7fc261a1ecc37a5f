/// Parses the TOML subset of syspro-bq configuration files, keeping the line and column of every key.
///
/// Supported (TOML 1.0 semantics): `[table]` and dotted `[table.sub]` headers with bare or quoted keys;
/// `key = value` with bare, basic-quoted or literal-quoted keys; basic strings with all TOML escapes; literal
/// strings; decimal integers with `_` separators; booleans; arrays (nested, multi-line, trailing comma, comments
/// inside); `#` comments. Anything else — floats, dates, inline tables, multi-line strings, `[[arrays of
/// tables]]`, dotted keys on the left of `=` — is rejected with a message naming it, so a configuration never
/// means something other than what it seems to say.
///
/// The parser is a value type with no shared state; it is not meant to be shared across threads while parsing.
public struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Parses `text`.
    ///
    /// - Throws: ``TOMLSyntaxError`` naming the line and column of the first problem.
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLDocument {
        var parser = TOMLParser(scalars: Array(text.unicodeScalars))
        return try parser.parseDocument()
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    // MARK: - Document structure

    private mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLDocument {
        var tables = [TOMLTable(path: [], headerPosition: TOMLPosition(line: 1, column: 1))]
        if current == "\u{FEFF}" { advance() }
        while !atEnd {
            skipWhitespace()
            guard let scalar = current else { break }
            switch scalar {
            case "\n", "\r":
                try consumeNewline()
            case "#":
                try skipComment()
            case "[":
                let table = try parseHeader()
                try checkHeader(table, against: tables)
                tables.append(table)
                try finishLine()
            default:
                let entry = try parseKeyValue()
                let owner = tables.count - 1
                if let first = tables[owner].entry(entry.key) {
                    throw TOMLSyntaxError(
                        "duplicate key '\(entry.key)' (first defined at line \(first.keyPosition.line))",
                        at: entry.keyPosition
                    )
                }
                tables[owner].entries.append(entry)
                try finishLine()
            }
        }
        return TOMLDocument(tables: tables)
    }

    private func checkHeader(_ table: TOMLTable, against tables: [TOMLTable]) throws(TOMLSyntaxError) {
        if let first = tables.first(where: { $0.path == table.path }) {
            throw TOMLSyntaxError(
                "table \(table.displayName) is defined twice (first at line \(first.headerPosition.line))",
                at: table.headerPosition
            )
        }
        // A header must not reuse a key already given a value: `[a]` with `b = 1`, then `[a.b]`.
        for length in 1..<max(table.path.count, 1) {
            let parentPath = Array(table.path.prefix(length))
            let key = table.path[length]
            if let parent = tables.first(where: { $0.path == parentPath }), let entry = parent.entry(key) {
                throw TOMLSyntaxError(
                    "table \(table.displayName) conflicts with key '\(key)' defined at line \(entry.keyPosition.line)",
                    at: table.headerPosition
                )
            }
        }
    }

    private mutating func parseHeader() throws(TOMLSyntaxError) -> TOMLTable {
        let start = position
        advance()  // [
        if current == "[" {
            throw TOMLSyntaxError("arrays of tables ([[...]]) are not supported in syspro-bq configuration", at: start)
        }
        var path: [String] = []
        while true {
            skipWhitespace()
            path.append(try parseKey())
            skipWhitespace()
            if current == "." {
                advance()
                continue
            }
            if current == "]" {
                advance()
                break
            }
            throw unexpected("expected '.' or ']' in a table header")
        }
        return TOMLTable(path: path, headerPosition: start)
    }

    private mutating func parseKeyValue() throws(TOMLSyntaxError) -> TOMLEntry {
        let keyPosition = position
        let key = try parseKey()
        skipWhitespace()
        if current == "." {
            throw TOMLSyntaxError(
                "dotted keys are not supported here; put '\(key)' under a [table] header instead",
                at: position
            )
        }
        guard current == "=" else { throw unexpected("expected '=' after key '\(key)'") }
        advance()
        skipWhitespace()
        let valuePosition = position
        let value = try parseValue()
        return TOMLEntry(key: key, value: value, keyPosition: keyPosition, valuePosition: valuePosition)
    }

    /// After a header or a key/value pair only whitespace and a comment may follow on the line.
    private mutating func finishLine() throws(TOMLSyntaxError) {
        skipWhitespace()
        guard let scalar = current else { return }
        switch scalar {
        case "#": try skipComment()
        case "\n", "\r": try consumeNewline()
        default: throw unexpected("expected the end of the line")
        }
    }

    // MARK: - Keys

    private mutating func parseKey() throws(TOMLSyntaxError) -> String {
        switch current {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" {
                throw TOMLSyntaxError("multi-line strings cannot be keys", at: position)
            }
            return try parseBasicString()
        case "'":
            return try parseLiteralString()
        case let scalar? where TOMLParser.isBareKeyScalar(scalar):
            var key = ""
            while let scalar = current, TOMLParser.isBareKeyScalar(scalar) {
                key.unicodeScalars.append(scalar)
                advance()
            }
            return key
        default:
            throw unexpected("expected a key (letters, digits, '_', '-', or a quoted key)")
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(TOMLSyntaxError) -> TOMLValue {
        guard let scalar = current else { throw unexpected("expected a value") }
        switch scalar {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" {
                throw TOMLSyntaxError("multi-line strings (\"\"\") are not supported; use \\n escapes", at: position)
            }
            return .string(try parseBasicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" {
                throw TOMLSyntaxError("multi-line literal strings (''') are not supported", at: position)
            }
            return .string(try parseLiteralString())
        case "[":
            return try parseArray()
        case "{":
            throw TOMLSyntaxError("inline tables ({...}) are not supported; use a [table] header", at: position)
        case "+", "-", "0"..."9":
            return try parseInteger()
        case "A"..."Z", "a"..."z":
            return try parseBareWord()
        case "\n", "\r", "#":
            throw unexpected("expected a value after '='")
        default:
            throw unexpected("expected a value (a \"string\", an integer, true/false or an [array])")
        }
    }

    /// `true`, `false`, or a mistake such as an unquoted string.
    private mutating func parseBareWord() throws(TOMLSyntaxError) -> TOMLValue {
        let start = position
        var word = ""
        while let scalar = current, TOMLParser.isBareKeyScalar(scalar) {
            word.unicodeScalars.append(scalar)
            advance()
        }
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "nan": throw TOMLSyntaxError("floating-point values (inf, nan) are not supported", at: start)
        default:
            throw TOMLSyntaxError(
                "'\(word)' is not a value; strings need quotes (\"\(word)\"), booleans are true or false",
                at: start
            )
        }
    }

    private mutating func parseInteger() throws(TOMLSyntaxError) -> TOMLValue {
        let start = position
        var text = ""
        while let scalar = current {
            switch scalar {
            case "0"..."9", "+", "-", "_", ".", ":", "e", "E", "x", "o", "b", "a"..."d", "f", "A"..."D", "F", "T", "Z":
                text.unicodeScalars.append(scalar)
                advance()
                continue
            default:
                break
            }
            break
        }
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        if digits.contains(":") || digits.dropFirst().contains("-") {
            throw TOMLSyntaxError("dates and times are not supported; write them as a \"string\"", at: start)
        }
        if digits.hasPrefix("0x") || digits.hasPrefix("0o") || digits.hasPrefix("0b") {
            throw TOMLSyntaxError("only decimal integers are supported", at: start)
        }
        if digits.contains(".") || digits.contains("e") || digits.contains("E") {
            throw TOMLSyntaxError("floating-point numbers are not supported; write an integer", at: start)
        }
        let valid =
            !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") }
            && digits.first != "_" && digits.last != "_" && !digits.contains("__")
        guard valid else { throw TOMLSyntaxError("'\(text)' is not a valid integer", at: start) }
        let plain = digits.filter { $0 != "_" }
        if plain.count > 1 && plain.first == "0" {
            throw TOMLSyntaxError("integers must not have leading zeros ('\(text)')", at: start)
        }
        guard let magnitude = UInt64(plain),
            let value = negative ? Int64(exactly: -Int128(magnitude)) : Int64(exactly: magnitude)
        else {
            throw TOMLSyntaxError("integer '\(text)' is out of the 64-bit range", at: start)
        }
        return .integer(value)
    }

    private mutating func parseArray() throws(TOMLSyntaxError) -> TOMLValue {
        advance()  // [
        var items: [TOMLValue] = []
        while true {
            try skipWhitespaceNewlinesAndComments()
            if current == "]" {
                advance()
                return .array(items)
            }
            guard current != nil else { throw unexpected("unterminated array: expected ']'") }
            items.append(try parseValue())
            try skipWhitespaceNewlinesAndComments()
            guard current != nil else { throw unexpected("unterminated array: expected ']'") }
            switch current {
            case ",":
                advance()
            case "]":
                advance()
                return .array(items)
            default:
                throw unexpected("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseBasicString() throws(TOMLSyntaxError) -> String {
        advance()  // "
        var result = ""
        while true {
            guard let scalar = current else { throw unexpected("unterminated string: expected '\"'") }
            switch scalar {
            case "\"":
                advance()
                return result
            case "\\":
                result.unicodeScalars.append(try parseEscape())
            case "\n", "\r":
                throw unexpected("unterminated string: a basic string ends on its line")
            default:
                try checkNotControl(scalar)
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    private mutating func parseEscape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let start = position
        advance()  // backslash
        guard let scalar = current else { throw unexpected("unterminated escape sequence") }
        advance()
        switch scalar {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "e": return "\u{1B}"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = scalar == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let digit = current, digit.properties.isASCIIHexDigit else {
                    throw TOMLSyntaxError("\\\(scalar) needs \(count) hexadecimal digits", at: start)
                }
                hex.unicodeScalars.append(digit)
                advance()
            }
            guard let value = UInt32(hex, radix: 16), let result = Unicode.Scalar(value) else {
                throw TOMLSyntaxError("\\\(scalar)\(hex) is not a Unicode scalar value", at: start)
            }
            return result
        default:
            throw TOMLSyntaxError("unknown escape sequence '\\\(scalar)'", at: start)
        }
    }

    private mutating func parseLiteralString() throws(TOMLSyntaxError) -> String {
        advance()  // '
        var result = ""
        while true {
            guard let scalar = current else { throw unexpected("unterminated literal string: expected \"'\"") }
            switch scalar {
            case "'":
                advance()
                return result
            case "\n", "\r":
                throw unexpected("unterminated literal string: a literal string ends on its line")
            default:
                try checkNotControl(scalar)
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    // MARK: - Whitespace, comments, newlines

    private mutating func skipWhitespace() {
        while current == " " || current == "\t" { advance() }
    }

    private mutating func skipComment() throws(TOMLSyntaxError) {
        while let scalar = current, scalar != "\n", scalar != "\r" {
            try checkNotControl(scalar)
            advance()
        }
    }

    private mutating func skipWhitespaceNewlinesAndComments() throws(TOMLSyntaxError) {
        while let scalar = current {
            switch scalar {
            case " ", "\t": advance()
            case "\n", "\r": try consumeNewline()
            case "#": try skipComment()
            default: return
            }
        }
    }

    private mutating func consumeNewline() throws(TOMLSyntaxError) {
        if current == "\r" {
            guard peek(1) == "\n" else { throw unexpected("a carriage return must be followed by a line feed") }
            index += 1
        }
        index += 1
        line += 1
        column = 1
    }

    private func checkNotControl(_ scalar: Unicode.Scalar) throws(TOMLSyntaxError) {
        if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
            throw TOMLSyntaxError(
                "control character U+\(String(scalar.value, radix: 16, uppercase: true)) is not allowed here",
                at: position
            )
        }
    }

    // MARK: - Cursor

    private var atEnd: Bool { index >= scalars.count }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    /// Moves past one scalar that is not a newline.
    private mutating func advance() {
        index += 1
        column += 1
    }

    private func unexpected(_ expectation: String) -> TOMLSyntaxError {
        guard let scalar = current else {
            return TOMLSyntaxError("\(expectation), found the end of the file", at: position)
        }
        let shown: String
        switch scalar {
        case "\n", "\r": shown = "the end of the line"
        case "\t": shown = "a tab"
        default: shown = "'\(scalar.escaped(asASCII: false))'"
        }
        return TOMLSyntaxError("\(expectation), found \(shown)", at: position)
    }
}
