/// Parses OData v4 `$filter` text for one table: a tokenizer plus a recursive-descent parser.
///
/// Grammar (precedence low → high): `or`, `and`, `not`, comparison, parentheses.
/// ```
/// expr    := andExpr ('or' andExpr)*
/// andExpr := unary ('and' unary)*
/// unary   := 'not' unary | '(' expr ')' | operand op operand
/// operand := Identifier | literal
/// ```
/// Literals: `'text'` (`''` escapes a quote), integers and decimals (optional sign),
/// DateTimeOffset (`2024-01-01T00:00:00Z`, `…+02:00`, optional fraction), `binary'base64'`, `null`.
/// Columns must exist (case-sensitive) and a literal must suit the column's type.
struct FilterParser {
    enum Token: Equatable {
        case identifier(String)
        case literal(FilterLiteral)
        case open
        case close
        case end
    }

    let schema: TableSchema
    private var tokens: [Token] = []
    private var index = 0

    /// Parses `text` against `schema`.
    /// - Throws: `FilterError` naming the problem.
    static func parse(_ text: String, schema: TableSchema) throws(FilterError) -> FilterExpression {
        var parser = FilterParser(schema: schema)
        parser.tokens = try tokenize(text)
        let expr = try parser.parseOr()
        guard parser.peek == .end else {
            throw FilterError(message: "Syntax error: unexpected \(parser.peek) in $filter")
        }
        return expr
    }

    private init(schema: TableSchema) { self.schema = schema }

    private var peek: Token { tokens[index] }

    private mutating func next() -> Token {
        defer { if index < tokens.count - 1 { index += 1 } }
        return tokens[index]
    }

    private func isKeyword(_ word: String) -> Bool { peek == .identifier(word) }

    private mutating func parseOr() throws(FilterError) -> FilterExpression {
        var left = try parseAnd()
        while isKeyword("or") {
            _ = next()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(FilterError) -> FilterExpression {
        var left = try parseUnary()
        while isKeyword("and") {
            _ = next()
            left = .and(left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(FilterError) -> FilterExpression {
        if isKeyword("not") {
            _ = next()
            return .not(try parseUnary())
        }
        if peek == .open {
            _ = next()
            let inner = try parseOr()
            guard next() == .close else { throw FilterError(message: "Syntax error: ')' expected in $filter") }
            return inner
        }
        let left = next()
        guard case .identifier(let opName) = next(), let op = ComparisonOperator(rawValue: opName) else {
            throw FilterError(message: "Syntax error: comparison operator (eq, ne, gt, ge, lt, le) expected in $filter")
        }
        let right = next()
        switch (left, right) {
        case (.identifier(let name), .literal(let literal)):
            return try compare(name, op, literal)
        case (.literal(let literal), .identifier(let name)):
            return try compare(name, op.flipped, literal)
        default:
            throw FilterError(message: "Syntax error: a comparison needs one property and one literal in $filter")
        }
    }

    private func compare(
        _ name: String,
        _ op: ComparisonOperator,
        _ literal: FilterLiteral
    ) throws(FilterError)
        -> FilterExpression
    {
        guard let column = schema.position(of: name) else {
            throw FilterError(
                message: "Could not find a property named '\(name)' on type 'SYSPRO.\(schema.name)'."
            )
        }
        let type = schema.columns[column].type
        let fits: Bool
        switch (type, literal) {
        case (_, .null): fits = op == .eq || op == .ne
        case (.char, .string), (.varchar, .string): fits = true
        case (.decimal, .number): fits = true
        case (.datetime, .instant): fits = true
        case (.timestamp, .binary): fits = true
        default: fits = false
        }
        guard fits else {
            throw FilterError(
                message: "A binary operator with incompatible types was detected. Found operand types "
                    + "'\(Self.edmName(type))' and '\(Self.edmName(literal))' for operator kind '\(op.rawValue)'."
            )
        }
        return .compare(column: column, op: op, literal: literal)
    }

    static func edmName(_ type: SQLType) -> String {
        switch type {
        case .char, .varchar: return "Edm.String"
        case .decimal: return "Edm.Decimal"
        case .datetime: return "Edm.DateTimeOffset"
        case .timestamp: return "Edm.Binary"
        }
    }

    static func edmName(_ literal: FilterLiteral) -> String {
        switch literal {
        case .string: return "Edm.String"
        case .number: return "Edm.Decimal"
        case .instant: return "Edm.DateTimeOffset"
        case .binary: return "Edm.Binary"
        case .null: return "null"
        }
    }

    // MARK: Tokenizer

    static func tokenize(_ text: String) throws(FilterError) -> [Token] {
        let s = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isIdentStart(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F }
        while i < s.count {
            let c = s[i]
            if c == 0x20 || c == 0x09 {
                i += 1
            } else if c == 0x28 {
                tokens.append(.open)
                i += 1
            } else if c == 0x29 {
                tokens.append(.close)
                i += 1
            } else if c == 0x27 {
                let (text, after) = try quoted(s, from: i)
                tokens.append(.literal(.string(text)))
                i = after
            } else if isDigit(c) || ((c == 0x2D || c == 0x2B) && i + 1 < s.count && isDigit(s[i + 1])) {
                var j = i + 1
                while j < s.count && (isDigit(s[j]) || [0x2D, 0x3A, 0x2E, 0x54, 0x5A, 0x2B].contains(s[j])) { j += 1 }
                let word = String(decoding: s[i..<j], as: UTF8.self)
                if let instant = parseDateTimeOffset(word) {
                    tokens.append(.literal(.instant(instant)))
                } else if let number = parseNumber(word) {
                    tokens.append(.literal(number))
                } else {
                    throw FilterError(message: "Syntax error: invalid literal '\(word)' in $filter")
                }
                i = j
            } else if isIdentStart(c) {
                var j = i + 1
                while j < s.count && (isIdentStart(s[j]) || isDigit(s[j])) { j += 1 }
                let word = String(decoding: s[i..<j], as: UTF8.self)
                if word == "binary" && j < s.count && s[j] == 0x27 {
                    let (text, after) = try quoted(s, from: j)
                    guard let bytes = Base64.decode(text, urlSafeToo: true) else {
                        throw FilterError(message: "Syntax error: invalid binary literal '\(text)' in $filter")
                    }
                    tokens.append(.literal(.binary(bytes)))
                    i = after
                } else if word == "null" {
                    tokens.append(.literal(.null))
                    i = j
                } else {
                    tokens.append(.identifier(word))
                    i = j
                }
            } else {
                throw FilterError(
                    message:
                        "Syntax error: character '\(String(decoding: [c], as: UTF8.self))' at position \(i) in $filter"
                )
            }
        }
        tokens.append(.end)
        return tokens
    }

    /// Reads a `'…'` literal starting at the opening quote; `''` is one quote.
    private static func quoted(_ s: [UInt8], from start: Int) throws(FilterError) -> (String, Int) {
        var bytes: [UInt8] = []
        var j = start + 1
        while j < s.count {
            if s[j] == 0x27 {
                if j + 1 < s.count && s[j + 1] == 0x27 {
                    bytes.append(0x27)
                    j += 2
                    continue
                }
                return (String(decoding: bytes, as: UTF8.self), j + 1)
            }
            bytes.append(s[j])
            j += 1
        }
        throw FilterError(message: "Syntax error: unterminated string literal in $filter")
    }

    /// `[+-]digits[.digits]` → unscaled and scale.
    static func parseNumber(_ word: String) -> FilterLiteral? {
        var text = Substring(word)
        var negative = false
        if text.first == "-" || text.first == "+" {
            negative = text.first == "-"
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            text.utf8.count <= 36
        else { return nil }
        let digits = parts.joined()
        guard var unscaled = Int128(digits) else { return nil }
        if negative { unscaled = -unscaled }
        return .number(unscaled: unscaled, scale: parts.count == 2 ? parts[1].count : 0)
    }

    /// `yyyy-MM-ddTHH:mm[:ss[.fffffff]](Z|±hh:mm)` → seconds since the epoch (fraction dropped).
    static func parseDateTimeOffset(_ word: String) -> Int64? {
        let u = Array(word.utf8)
        guard u.count >= 17, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            guard b <= u.count, u[a..<b].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: u[a..<b], as: UTF8.self))
        }
        guard let year = num(0, 4), let month = num(5, 7), let day = num(8, 10), let hour = num(11, 13),
            let minute = num(14, 16), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0
        if i < u.count && u[i] == 0x3A {
            guard let s = num(i + 1, i + 3), s < 60 else { return nil }
            second = s
            i += 3
            if i < u.count && u[i] == 0x2E {
                i += 1
                let fractionStart = i
                while i < u.count && u[i] >= 0x30 && u[i] <= 0x39 { i += 1 }
                guard i > fractionStart else { return nil }
            }
        }
        var offset = 0
        guard i < u.count else { return nil }
        if u[i] == 0x5A {
            i += 1
        } else if u[i] == 0x2B || u[i] == 0x2D {
            guard i + 6 == u.count, u[i + 3] == 0x3A, let oh = num(i + 1, i + 3), let om = num(i + 4, i + 6) else {
                return nil
            }
            offset = (oh * 3600 + om * 60) * (u[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        let days = Int64(CivilDate.days(year: year, month: month, day: day))
        return days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
