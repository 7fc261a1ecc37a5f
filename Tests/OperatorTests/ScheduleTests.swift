import Common
import Foundation
import Operator
import Testing

@Suite("Scheduling: intervals and cancellation")
struct ScheduleTests {
    /// Durations parse to seconds, largest unit first.
    @Test(arguments: [("30s", 30), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("2d", 172_800), ("90s", 90)])
    func parsesDurations(_ text: String, _ seconds: Int) {
        #expect(RunInterval(parsing: text)?.seconds == seconds)
    }

    /// Malformed or out-of-range durations are rejected.
    @Test(arguments: ["", "10", "m", "10x", "1m1h", "0s", "-5m", "8d", "1.5h", "10 m", "1h1h"])
    func rejectsBadDurations(_ text: String) {
        #expect(RunInterval(parsing: text) == nil)
    }

    /// A duration renders in its shortest form.
    @Test func rendersShortestForm() {
        #expect(RunInterval(seconds: 5400).description == "1h30m")
        #expect(RunInterval(seconds: 45).description == "45s")
    }

    /// A sleep returns early, reporting it, when a stop is requested from another thread.
    @Test func sleepIsCutShortByCancellation() async {
        let flag = CancellationFlag()
        let started = Date()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            flag.cancel(reason: "SIGTERM")
        }
        let completed = flag.sleep(seconds: 10)
        #expect(!completed)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(flag.reason == "SIGTERM")
    }

    /// Without a stop request the sleep lasts its full time.
    @Test func sleepCompletesWithoutCancellation() {
        #expect(CancellationFlag().sleep(seconds: 0.05))
    }

    /// After a stop request, polling throws the interrupted error, which exits with 130.
    @Test func pollingAfterCancellationThrowsInterrupted() {
        let flag = CancellationFlag()
        #expect(throws: Never.self) { try flag.throwIfCancelled(during: "extract") }
        flag.cancel(reason: "SIGINT")
        flag.cancel(reason: "SIGTERM")
        do {
            try flag.throwIfCancelled(during: "extract")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .interrupted)
            #expect(error.message == "extract stopped by SIGINT at a safe point")
            #expect(ExitCodes.exitCode(for: error) == 130)
        }
    }

    /// Day numbers count from 1970-01-01 across month, leap-year and century boundaries.
    @Test(arguments: [("1970-01-01", 0), ("2000-03-01", 11_017), ("2024-02-29", 19_782), ("2026-12-31", 20_818)])
    func dayNumbers(_ text: String, _ expected: Int) {
        #expect(BusinessDate(text)?.dayNumber == expected)
    }

    /// A backfill that has read 100 rows through day 10 of a 40-day window expects 400 rows; counting starts at
    /// the first date read and ends at today when the window reaches into the future; a date outside the window
    /// or no rows give no estimate.
    @Test func backfillExpectedRows() throws {
        let from = try #require(BusinessDate("2026-01-01"))
        let to = try #require(BusinessDate("2026-02-09"))
        let range = try #require(BusinessDateRange(from: from, to: to))
        #expect(range.expectedRows(rowsSoFar: 100, first: nil, reached: "2026-01-10") == 400)
        #expect(range.expectedRows(rowsSoFar: 100, first: "2026-01-01", reached: "2026-02-09") == 100)
        #expect(range.expectedRows(rowsSoFar: 100, first: "2026-01-21", reached: "2026-01-30") == 200)
        #expect(
            range.expectedRows(rowsSoFar: 100, first: nil, reached: "2026-01-10", today: BusinessDate("2026-01-20"))
                == 200
        )
        #expect(range.expectedRows(rowsSoFar: 100, first: nil, reached: "2025-12-31") == nil)
        #expect(range.expectedRows(rowsSoFar: 0, first: nil, reached: "2026-01-10") == nil)
        #expect(range.expectedRows(rowsSoFar: 5, first: nil, reached: "0x00000000000007D1") == nil)
    }
}
