/// Text checks for BigQuery scalar literals, done on the UTF-8 bytes alone (no `Double`, no `Date`).
///
/// Formats follow https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types. Every check that
/// insertAll makes per value works on bytes, so the fast insertAll path (``InsertAllScan``) and the general one
/// (``RowValidator``) share one implementation; the `String` entry points only hand over the UTF-8 bytes.
/// Any byte outside ASCII fails the digit-based formats, as a non-ASCII character does in BigQuery.
enum ScalarSyntax {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// A plain decimal `[+-]digits[.digits]` with at most `integerDigits` significant integer digits and
    /// `fractionDigits` fraction digits (NUMERIC: 29/9, BIGNUMERIC: 38/38).
    static func isDecimal(_ text: String, integerDigits: Int, fractionDigits: Int) -> Bool {
        withBytes(text) { isDecimal($0, integerDigits: integerDigits, fractionDigits: fractionDigits) }
    }

    static func isDecimal(_ bytes: Bytes, integerDigits: Int, fractionDigits: Int) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var leadingZeros = 0
        var integer = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if integer == leadingZeros, bytes[index] == UInt8(ascii: "0") { leadingZeros += 1 }
            integer += 1
            index += 1
        }
        var fraction = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                fraction += 1
                index += 1
            }
            // `1.` has an empty fraction: not a decimal.
            guard fraction > 0 else { return false }
        }
        guard index == bytes.count, integer + fraction > 0 else { return false }
        return integer - leadingZeros <= integerDigits && fraction <= fractionDigits
    }

    /// An integer in the INT64 range, optionally signed (what `Int64(_: String)` accepts).
    static func isInt64(_ text: String) -> Bool {
        withBytes(text) { isInt64($0) }
    }

    static func isInt64(_ bytes: Bytes) -> Bool {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { return false }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var value: UInt64 = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else { return false }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum, sum <= limit else { return false }
            value = sum
            index += 1
        }
        return true
    }

    /// A FLOAT64 literal: a JSON-style number, or `NaN`, `Infinity`, `-Infinity`.
    static func isFloat(_ text: String) -> Bool {
        if ["NaN", "Infinity", "-Infinity", "+Infinity", "inf", "-inf"].contains(text) { return true }
        return (try? JSONParser.parse(text.hasPrefix("+") ? String(text.dropFirst()) : text))
            .map { if case .number = $0 { true } else { false } } ?? false
    }

    /// `YYYY-MM-DD` (also `YYYY-M-D`) naming a real calendar day between years 1 and 9999.
    static func isDate(_ text: String) -> Bool {
        withBytes(text) { isDate($0) }
    }

    static func isDate(_ bytes: Bytes) -> Bool {
        var index = 0
        guard let year = number(bytes, &index, digits: 4...4), take(bytes, &index, UInt8(ascii: "-")),
            let month = number(bytes, &index, digits: 1...2), take(bytes, &index, UInt8(ascii: "-")),
            let day = number(bytes, &index, digits: 1...2), index == bytes.count
        else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// `HH:MM[:SS[.F{1,6}]]` with hours 0-23, minutes 0-59 and seconds 0-59.
    static func isTime(_ text: String) -> Bool {
        withBytes(text) { isTime($0) }
    }

    static func isTime(_ bytes: Bytes) -> Bool {
        var index = 0
        guard let hour = number(bytes, &index, digits: 1...2), take(bytes, &index, UInt8(ascii: ":")),
            let minute = number(bytes, &index, digits: 1...2), hour <= 23, minute <= 59
        else { return false }
        if index == bytes.count { return true }
        guard take(bytes, &index, UInt8(ascii: ":")), let second = number(bytes, &index, digits: 1...2), second <= 59
        else { return false }
        if index == bytes.count { return true }
        guard take(bytes, &index, UInt8(ascii: ".")) else { return false }
        let fractionStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index == bytes.count && (1...6).contains(index - fractionStart)
    }

    /// A DATETIME: a date, optionally followed by `T` or a space and a time; no zone.
    static func isDateTime(_ text: String) -> Bool {
        withBytes(text) { isDateTime($0) }
    }

    static func isDateTime(_ bytes: Bytes) -> Bool {
        guard
            let split = bytes.firstIndex(where: {
                $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") || $0 == UInt8(ascii: " ")
            })
        else { return isDate(bytes) }
        return isDate(Bytes(rebasing: bytes[..<split])) && isTime(Bytes(rebasing: bytes[(split + 1)...]))
    }

    /// A TIMESTAMP string: RFC 3339 (`2026-11-27T10:00:00.123Z`, `…+01:00`), the same with a space, or with
    /// a ` UTC` suffix; a zone-less value is read as UTC, as BigQuery does.
    static func isTimestamp(_ text: String) -> Bool {
        withBytes(text) { isTimestamp($0) }
    }

    static func isTimestamp(_ bytes: Bytes) -> Bool {
        var end = bytes.count
        if end >= 4, bytes[end - 4] == UInt8(ascii: " "), bytes[end - 3] == UInt8(ascii: "U"),
            bytes[end - 2] == UInt8(ascii: "T"), bytes[end - 1] == UInt8(ascii: "C")
        {
            end -= 4
        } else if end >= 1, bytes[end - 1] == UInt8(ascii: "Z") || bytes[end - 1] == UInt8(ascii: "z") {
            end -= 1
        } else if end > 6, bytes[end - 6] == UInt8(ascii: "+") || bytes[end - 6] == UInt8(ascii: "-"),
            bytes[end - 3] == UInt8(ascii: ":")
        {
            // `±HH:MM`
            var index = end - 5
            guard let hour = number(bytes, &index, digits: 2...2), index == end - 3 else { return false }
            index += 1
            guard let minute = number(bytes, &index, digits: 2...2), hour <= 23, minute <= 59 else { return false }
            end -= 6
        }
        return end > 10 && isDateTime(Bytes(rebasing: bytes[..<end]))
    }

    /// Standard base64 (RFC 4648 §4) with optional padding, as BYTES values are sent.
    static func isBase64(_ text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let unpadded = text.reversed().drop { $0 == "=" }
        let padding = text.count - unpadded.count
        return padding <= 2 && unpadded.allSatisfy { alphabet.contains($0) } && (padding == 0 || text.count % 4 == 0)
    }

    /// Runs `body` on the UTF-8 bytes of `text`.
    static func withBytes<T>(_ text: String, _ body: (Bytes) -> T) -> T {
        var text = text
        return text.withUTF8(body)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Reads `digits` decimal digits (as many as there are, within the bounds) at `index`.
    private static func number(_ bytes: Bytes, _ index: inout Int, digits: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while index < bytes.count, count < digits.upperBound, isDigit(bytes[index]) {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            count += 1
            index += 1
        }
        guard digits.contains(count) else { return nil }
        // More digits than allowed: the field is too long.
        if index < bytes.count, isDigit(bytes[index]) { return nil }
        return value
    }

    private static func take(_ bytes: Bytes, _ index: inout Int, _ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
