import Common
import Foundation
import Testing

@testable import Operator

/// `Timestamp.parse` reads RFC 3339 by hand (no ICU); it must agree with Foundation's ISO 8601 parser on what both
/// accept, and refuse what is not a timestamp.
@Suite struct TimestampParsingTests {
    static func reference(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    @Test(arguments: [
        "2026-11-27T15:00:00.123Z", "2026-11-27T15:00:00Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z",
        "2000-03-01T00:00:00Z", "1999-12-31T23:59:59.5Z", "2026-11-27T15:00:00+02:00", "2026-11-27T01:30:00-05:30",
        "2100-02-28T12:00:00.000001Z", "1900-01-01T00:00:00Z",
    ])
    func agreesWithFoundation(_ text: String) throws {
        let parsed = try #require(Timestamp.parse(text))
        let expected = try #require(Self.reference(text))
        #expect(abs(parsed.timeIntervalSince(expected)) < 0.000_5, "\(text)")
    }

    @Test(arguments: [
        "", "2026-11-27", "2026-11-27T15:00:00", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2026-11-27T24:00:00Z",
        "2026-11-27T15:60:00Z", "2026-11-27T15:00:00.Z", "2026-11-27T15:00:00Zx", "2026-11-27 15:00:00Z",
        "x026-11-27T15:00:00Z",
        "2026-11-27T15:00:00+0200",
    ])
    func refusesWhatIsNotATimestamp(_ text: String) {
        #expect(Timestamp.parse(text) == nil, "\(text)")
    }

    /// What `rfc3339` writes (truncated to the millisecond), `parse` reads back to the millisecond.
    @Test func roundTripsRenderedTimestamps() throws {
        for seconds in stride(from: -2_000_000_000.0, through: 4_000_000_000.0, by: 86_399.123) {
            let date = Date(timeIntervalSince1970: seconds)
            let parsed = try #require(Timestamp.parse(Timestamp.rfc3339(date)))
            let behind = date.timeIntervalSince(parsed)
            #expect(behind >= -0.000_001 && behind < 0.001 + 0.000_001)
        }
    }
}
