/// Normalisation of SYSPRO date and date-time text to the staged forms `YYYY-MM-DD` and
/// `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
///
/// SYSPRO dates are local business dates with no zone (syspro.md §3.1, §4 pitfall 12): an OData
/// `DateTimeOffset` such as `2024-03-31T00:00:00+02:00` carries the server's offset only as a serializer
/// artefact, so the date part is kept as sent and the offset is dropped, never applied.
enum DateText {
    enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notADate
        case impossibleDate
        case subMicrosecond

        var description: String {
            switch self {
            case .notADate:
                return "is not a date (yyyy-MM-dd, yyyy/MM/dd or yyyy-MM-ddTHH:mm:ss[.f][zone])"
            case .impossibleDate:
                return "is not a calendar date or time"
            case .subMicrosecond:
                return "has non-zero digits below a microsecond, which BigQuery DATETIME cannot hold"
            }
        }
    }

    /// Appends the normalised form of `text` to `output`, or returns the problem and appends nothing.
    ///
    /// Accepts `yyyy-MM-dd` or `yyyy/MM/dd`, optionally followed by `T` or a space, `HH:mm[:ss[.fffffff]]`,
    /// and a zone (`Z` or `±hh:mm`). With `keepTime` false only the date is written.
    static func appendNormalized<Sink: ByteSink>(
        _ text: UnsafeBufferPointer<UInt8>,
        to output: inout Sink,
        keepTime: Bool
    ) -> Problem? {
        let count = text.count
        guard count >= 10, allDigits(text, 0..<4), allDigits(text, 5..<7), allDigits(text, 8..<10) else {
            return .notADate
        }
        let separator = text[4]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/"), text[7] == separator else {
            return .notADate
        }
        let year = number(text, 0..<4)
        let month = number(text, 5..<7)
        let day = number(text, 8..<10)
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
            return .impossibleDate
        }
        var hour = 0
        var minute = 0
        var second = 0
        var fraction: Range<Int> = 0..<0
        var index = 10
        if index < count, text[index] == UInt8(ascii: "T") || text[index] == UInt8(ascii: " ") {
            index += 1
            guard index + 5 <= count, allDigits(text, index..<index + 2), text[index + 2] == UInt8(ascii: ":"),
                allDigits(text, index + 3..<index + 5)
            else { return .notADate }
            hour = number(text, index..<index + 2)
            minute = number(text, index + 3..<index + 5)
            index += 5
            if index < count, text[index] == UInt8(ascii: ":") {
                guard index + 3 <= count, allDigits(text, index + 1..<index + 3) else { return .notADate }
                second = number(text, index + 1..<index + 3)
                index += 3
                if index < count, text[index] == UInt8(ascii: ".") {
                    let start = index + 1
                    index = start
                    while index < count, DecimalText.isDigit(text[index]) { index += 1 }
                    guard index > start else { return .notADate }
                    fraction = start..<index
                }
            }
            guard hour < 24, minute < 60, second < 60 else { return .impossibleDate }
            if index < count {
                if text[index] == UInt8(ascii: "Z") {
                    index += 1
                } else if text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
                    guard index + 6 <= count, allDigits(text, index + 1..<index + 3),
                        text[index + 3] == UInt8(ascii: ":"), allDigits(text, index + 4..<index + 6)
                    else { return .notADate }
                    index += 6
                }
            }
        }
        guard index == count else { return .notADate }
        if fraction.count > 6, !text[(fraction.lowerBound + 6)..<fraction.upperBound].allSatisfy({ $0 == 0x30 }) {
            return .subMicrosecond
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<4]))
        output.append(UInt8(ascii: "-"))
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[5..<7]))
        output.append(UInt8(ascii: "-"))
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[8..<10]))
        guard keepTime else { return nil }
        output.append(UInt8(ascii: "T"))
        appendTwoDigits(hour, to: &output)
        output.append(UInt8(ascii: ":"))
        appendTwoDigits(minute, to: &output)
        output.append(UInt8(ascii: ":"))
        appendTwoDigits(second, to: &output)
        if !fraction.isEmpty {
            output.append(UInt8(ascii: "."))
            let kept = fraction.lowerBound..<min(fraction.upperBound, fraction.lowerBound + 6)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[kept]))
        }
        return nil
    }

    /// The normalised text of `text`, or the problem.
    static func normalized(_ text: String, keepTime: Bool) -> Result<String, Problem> {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        let problem = bytes.withUnsafeBufferPointer { appendNormalized($0, to: &output, keepTime: keepTime) }
        if let problem { return .failure(problem) }
        return .success(String(decoding: output, as: UTF8.self))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Plain loops, inlined: the generic `allSatisfy` and `reduce` over ranges made a date ~450 instructions.
    @inline(__always)
    private static func allDigits(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.upperBound <= text.count else { return false }
        var index = range.lowerBound
        while index < range.upperBound {
            guard DecimalText.isDigit(text[index]) else { return false }
            index += 1
        }
        return true
    }

    @inline(__always)
    private static func number(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var value = 0
        var index = range.lowerBound
        while index < range.upperBound {
            value = value * 10 + Int(text[index] &- 0x30)
            index += 1
        }
        return value
    }

    private static func appendTwoDigits<Sink: ByteSink>(_ value: Int, to output: inout Sink) {
        output.append(UInt8(0x30 + value / 10))
        output.append(UInt8(0x30 + value % 10))
    }
}

extension DateText {
    /// The day after `day` (`YYYY-MM-DD`), or `nil` when `day` is not a date.
    static func nextDay(_ day: String) -> String? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), parts[2] >= 1,
            parts[2] <= daysIn(month: parts[1], year: parts[0])
        else { return nil }
        var (year, month, dayOfMonth) = (parts[0], parts[1], parts[2] + 1)
        if dayOfMonth > daysIn(month: month, year: year) {
            dayOfMonth = 1
            month += 1
            if month > 12 {
                month = 1
                year += 1
            }
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))"
    }
}
