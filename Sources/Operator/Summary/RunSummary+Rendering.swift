public import Foundation

extension RunSummary {
    /// The summary as one line for people, e.g.
    /// `syspro-bq extract succeeded in 12.4s: 3 streams, 12,345 rows (12 tombstones), 5 segments, 0 retries,
    /// 0 errors (run …)`. The tombstone count is shown when an extract stream took part.
    public var oneLine: String {
        let totals = totals
        let outcomeText: String
        switch outcome {
        case .succeeded: outcomeText = "succeeded"
        case .succeededWithQuarantine:
            outcomeText = "finished with \(Self.count(totals.quarantinedRows, "quarantined row"))"
        case .failed: outcomeText = "failed"
        case .interrupted: outcomeText = "was interrupted"
        }
        var line = "syspro-bq \(command) \(outcomeText) in \(Self.duration(elapsedSeconds)): "
        var rows = Self.count(totals.rows, "row")
        if streams.contains(where: { $0.tombstones != nil }) {
            rows += " (\(Self.count(totals.tombstones, "tombstone")))"
        }
        line += [
            Self.count(streams.count, "stream"), rows, Self.count(totals.segments, "segment"),
            Self.count(totals.retries, "retry", plural: "retries"), Self.count(totals.errors, "error"),
        ]
        .joined(separator: ", ")
        line += " (run \(runID))"
        if let error {
            let firstLine = error.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? error
            line += ": " + (firstLine.count > 200 ? String(firstLine.prefix(197)) + "..." : firstLine)
        }
        return line
    }

    /// The summary as one line of JSON (no trailing newline).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.rfc3339(date))
        }
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a summary written by ``jsonLine()``.
    public static func decode(jsonLine: String) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "bad timestamp \(text)")
                )
            }
            return date
        }
        return try decoder.decode(RunSummary.self, from: Data(jsonLine.utf8))
    }

    /// `1,234` style grouping, independent of the locale.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func count(_ value: Int, _ singular: String, plural: String? = nil) -> String {
        "\(grouped(value)) \(value == 1 ? singular : plural ?? singular + "s")"
    }

    /// `850ms`, `12.4s`, `3m05s`, `2h04m`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }
}

/// RFC 3339 UTC timestamps with milliseconds, for logs and summaries, independent of locale.
public enum Timestamp {
    /// `2026-11-27T15:00:00.123Z`.
    public static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour),
            Int(parts.tm_min),
            Int(parts.tm_sec),
            Int(fraction)
        )
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

/// Run ids: `20261127T150000Z-4f2a9c` (the UTC start time and 6 random hex digits), as in the row contract.
public enum RunID {
    public static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFF_FFFF, radix: 16)
        return Timestamp.compact(date) + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }
}
