/// A calendar date given on the command line (`--from 2026-01-01`), as SYSPRO business dates are: no time, no
/// zone. Only real dates parse (`2026-02-30` does not).
///
/// This type is a value type and is `Sendable`.
public struct BusinessDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            year >= 1753, (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = BusinessDate(text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "not a YYYY-MM-DD date: \(text)"
                )
            )
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func < (left: BusinessDate, right: BusinessDate) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }
}

/// An inclusive business-date range, `--from` to `--to` (both days included).
public struct BusinessDateRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var from: BusinessDate
    public var to: BusinessDate

    /// A range; `nil` when `from` is after `to`.
    public init?(from: BusinessDate, to: BusinessDate) {
        guard from <= to else { return nil }
        self.from = from
        self.to = to
    }

    public func contains(_ date: BusinessDate) -> Bool { from <= date && date <= to }

    /// The rows a read of this window will have in all, for a backfill's ETA: `rowsSoFar` rows were read, in
    /// business-date order, from `first` (the date the first page reached) through `reached`; rows are assumed
    /// to spread evenly over the days up to the window's end or `today`, whichever is earlier (no business
    /// dates lie in the future).
    ///
    /// - Returns: `nil` when `reached` is not a date in the window or nothing was read yet.
    public func expectedRows(rowsSoFar: Int, first: String?, reached: String?, today: BusinessDate? = nil) -> Int? {
        guard rowsSoFar > 0, let reached = reached.flatMap(BusinessDate.init), contains(reached) else { return nil }
        let start = first.flatMap(BusinessDate.init).map { Swift.min(Swift.max($0, from), reached) } ?? from
        let end = Swift.max(Swift.min(to, today ?? to), reached)
        let done = Double(reached.dayNumber - start.dayNumber + 1)
        let total = Double(end.dayNumber - start.dayNumber + 1)
        return Swift.max(rowsSoFar, Int((Double(rowsSoFar) * total / done).rounded()))
    }

    public var description: String { "\(from)..\(to)" }
}
