/// Text checks for BigQuery scalar literals, done on the characters alone (no `Double`, no `Date`).
///
/// Formats follow https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types.
enum ScalarSyntax {
    /// A plain decimal `[+-]digits[.digits]` with at most `integerDigits` significant integer digits and
    /// `fractionDigits` fraction digits (NUMERIC: 29/9, BIGNUMERIC: 38/38).
    static func isDecimal(_ text: String, integerDigits: Int, fractionDigits: Int) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let integer = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(integer.isEmpty && fraction.isEmpty) else { return false }
        guard integer.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit) else { return false }
        if parts.count == 2 && fraction.isEmpty { return false }
        let significant = integer.drop { $0 == "0" }
        return significant.count <= integerDigits && fraction.count <= fractionDigits
    }

    /// An integer in the INT64 range, optionally signed.
    static func isInt64(_ text: String) -> Bool {
        Int64(text) != nil
    }

    /// A FLOAT64 literal: a JSON-style number, or `NaN`, `Infinity`, `-Infinity`.
    static func isFloat(_ text: String) -> Bool {
        if ["NaN", "Infinity", "-Infinity", "+Infinity", "inf", "-inf"].contains(text) { return true }
        return (try? JSONParser.parse(text.hasPrefix("+") ? String(text.dropFirst()) : text))
            .map { if case .number = $0 { true } else { false } } ?? false
    }

    /// `YYYY-MM-DD` (also `YYYY-M-D`) naming a real calendar day between years 1 and 9999.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// `HH:MM[:SS[.F{1,6}]]` with hours 0-23, minutes 0-59 and seconds 0-59.
    static func isTime(_ text: String) -> Bool {
        let pieces = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        if pieces.count == 2 {
            guard (1...6).contains(pieces[1].count), pieces[1].allSatisfy(\.isASCIIDigit) else { return false }
        }
        let fields = pieces[0].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ (1...2).contains($0.count) }),
            fields.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
        else { return false }
        if pieces.count == 2 && fields.count != 3 { return false }
        let numbers = fields.compactMap { Int($0) }
        return numbers[0] <= 23 && numbers[1] <= 59 && (numbers.count < 3 || numbers[2] <= 59)
    }

    /// A DATETIME: a date, optionally followed by `T` or a space and a time; no zone.
    static func isDateTime(_ text: String) -> Bool {
        guard let split = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { return isDate(text) }
        return isDate(String(text[..<split])) && isTime(String(text[text.index(after: split)...]))
    }

    /// A TIMESTAMP string: RFC 3339 (`2026-11-27T10:00:00.123Z`, `…+01:00`), the same with a space, or with
    /// a ` UTC` suffix; a zone-less value is read as UTC, as BigQuery does.
    static func isTimestamp(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasSuffix(" UTC") {
            body = body.dropLast(4)
        } else if body.hasSuffix("Z") || body.hasSuffix("z") {
            body = body.dropLast()
        } else if body.count > 6 {
            let zone = body.suffix(6)
            let sign = zone.first
            if sign == "+" || sign == "-", zone.dropFirst().count == 5, zone.dropFirst().dropFirst(2).first == ":" {
                let hours = zone.dropFirst().prefix(2)
                let minutes = zone.suffix(2)
                guard hours.allSatisfy(\.isASCIIDigit), minutes.allSatisfy(\.isASCIIDigit),
                    let hour = Int(hours), let minute = Int(minutes), hour <= 23, minute <= 59
                else { return false }
                body = body.dropLast(6)
            }
        }
        return isDateTime(String(body)) && body.count > 10
    }

    /// Standard base64 (RFC 4648 §4) with optional padding, as BYTES values are sent.
    static func isBase64(_ text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let unpadded = text.reversed().drop { $0 == "=" }
        let padding = text.count - unpadded.count
        return padding <= 2 && unpadded.allSatisfy { alphabet.contains($0) } && (padding == 0 || text.count % 4 == 0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
