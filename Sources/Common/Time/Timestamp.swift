public import Foundation

/// RFC 3339 UTC timestamps with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`: manifests and journals
/// (docs/staging-format.md §4.1), logs, summaries, the credential store and run state all write them.
///
/// Rendered and parsed with integer arithmetic (no formatter, no locale, no ICU), so the same instant always gives
/// the same text.
public enum Timestamp {
    /// Renders `date`, truncated to the millisecond.
    public static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let hours = rest / 3_600_000
        let minutes = rest / 60_000 % 60
        let seconds = rest / 1000 % 60
        let millis = rest % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):"
            + "\(pad(seconds, 2)).\(pad(millis, 3))Z"
    }

    /// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, or `nil`.
    ///
    /// By hand rather than with `ISO8601DateFormatter`: the formatter loads ICU (~3 MB resident, ~20 ms),
    /// and every command reads timestamps (the credential store's, the status after a run).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func byte(_ index: Int, is expected: Character) -> Bool {
            index < bytes.count && bytes[index] == expected.asciiValue!
        }
        guard let year = digits(0, 4), byte(4, is: "-"), let month = digits(5, 2), byte(7, is: "-"),
            let day = digits(8, 2), byte(10, is: "T") || byte(10, is: "t"), let hour = digits(11, 2),
            byte(13, is: ":"), let minute = digits(14, 2), byte(16, is: ":"), let second = digits(17, 2)
        else { return nil }
        let daysInMonth = [
            31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ]
        guard (1...12).contains(month), day >= 1, day <= daysInMonth[month - 1], hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index, is: ".") {
            index += 1
            let start = index
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if byte(index, is: "Z") || byte(index, is: "z") {
            index += 1
        } else if byte(index, is: "+") || byte(index, is: "-") {
            guard let offsetHours = digits(index + 1, 2), byte(index + 3, is: ":"),
                let offsetMinutes = digits(index + 4, 2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (byte(index, is: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // Howard Hinnant's days_from_civil.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `20261127T150000Z`, the timestamp part of a run id.
    public static func compact(_ date: Date) -> String {
        String(rfc3339(date).prefix(19)).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            + "Z"
    }
}
