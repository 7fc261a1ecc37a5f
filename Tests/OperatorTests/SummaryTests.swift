import Foundation
import Operator
import Testing

@Suite("Run summary, progress line and Prometheus textfile")
struct SummaryTests {
    static let start = Date(timeIntervalSince1970: 1_764_255_600)  // 2025-11-27T15:00:00Z

    static var summary: RunSummary {
        RunSummary(
            command: "extract",
            runID: "20251127T150000Z-4f2a9c",
            startedAt: start,
            finishedAt: start.addingTimeInterval(12.4),
            outcome: .succeeded,
            exitCode: 0,
            streams: [
                RunSummary.Stream(
                    company: "A",
                    table: "ApInvoice",
                    stage: .extract,
                    rows: 12_000,
                    tombstones: 7,
                    segments: 3,
                    retries: 2
                ),
                RunSummary.Stream(
                    company: "B",
                    table: "ApInvoice",
                    stage: .extract,
                    rows: 345,
                    segments: 1,
                    lagSeconds: 61.5
                ),
            ]
        )
    }

    /// The one-line summary names the command, outcome, time and totals, tombstones included.
    @Test func oneLineSummary() {
        #expect(
            Self.summary.oneLine
                == "syspro-bq extract succeeded in 12.4s: 2 streams, 12,345 rows (7 tombstones), 4 segments, "
                + "2 retries, 0 errors (run 20251127T150000Z-4f2a9c)"
        )
    }

    /// A load, which does not count tombstones apart, says nothing about them.
    @Test func loadSummaryLeavesTombstonesOut() {
        let summary = RunSummary(
            command: "load",
            runID: "20251127T150000Z-4f2a9c",
            startedAt: Self.start,
            finishedAt: Self.start.addingTimeInterval(1),
            outcome: .succeeded,
            exitCode: 0,
            streams: [RunSummary.Stream(company: "A", table: "ApInvoice", stage: .load, rows: 5, segments: 1)]
        )
        #expect(summary.oneLine.contains(": 1 stream, 5 rows, 1 segment, "))
    }

    /// A failed run's line ends with the first line of its error.
    @Test func failedSummaryCarriesTheError() {
        var summary = Self.summary
        summary.outcome = .failed
        summary.error = "BigQuery refused the credentials\nmore detail"
        #expect(summary.oneLine.hasSuffix("(run 20251127T150000Z-4f2a9c): BigQuery refused the credentials"))
    }

    /// The JSON summary is one line with snake_case keys and totals, and decodes back to the same value.
    @Test func jsonSummaryRoundTrips() throws {
        let line = try Self.summary.jsonLine()
        #expect(!line.contains("\n"))
        #expect(line.contains("\"run_id\":\"20251127T150000Z-4f2a9c\""))
        #expect(line.contains("\"started_at\":\"2025-11-27T15:00:00.000Z\""))
        #expect(line.contains("\"elapsed_seconds\":12.4"))
        #expect(
            line.contains(
                "\"totals\":{\"errors\":0,\"quarantined_rows\":0,\"retries\":2,\"rows\":12345,\"segments\":4,"
                    + "\"tombstones\":7}"
            )
        )
        let decoded = try RunSummary.decode(jsonLine: line)
        #expect(try decoded.jsonLine() == line)
        #expect(decoded.streams == Self.summary.streams)
    }

    /// Run ids follow the row contract's shape.
    @Test func runIDShape() {
        let id = RunID.make(at: Self.start)
        #expect(id.hasPrefix("20251127T150000Z-"))
        #expect(id.count == 23)
        let suffix = id.suffix(6)
        #expect(suffix.allSatisfy { $0.isHexDigit })
    }

    /// Counters accumulate across runs, gauges are replaced, and the last success is stamped per stage.
    @Test func textfileAccumulatesCounters() {
        let first = PrometheusTextfile.updated(previous: nil, with: Self.summary)
        #expect(first.contains("# TYPE syspro_bq_rows_total counter"))
        #expect(first.contains("syspro_bq_rows_total{table=\"ApInvoice\",company=\"A\",stage=\"extract\"} 12000"))
        #expect(first.contains("syspro_bq_lag_seconds{table=\"ApInvoice\",company=\"B\",stage=\"extract\"} 61.500"))
        #expect(first.contains("syspro_bq_tombstones_total{table=\"ApInvoice\",company=\"A\",stage=\"extract\"} 7"))
        #expect(first.contains("syspro_bq_last_success_timestamp_seconds{stage=\"extract\"} 1764255612.400"))
        var failedLoad = Self.summary
        failedLoad.command = "load"
        failedLoad.outcome = .failed
        failedLoad.exitCode = 75
        failedLoad.streams = [RunSummary.Stream(company: "A", table: "ApInvoice", stage: .load, rows: 10, errors: 1)]
        let second = PrometheusTextfile.updated(
            previous: PrometheusTextfile.updated(previous: first, with: Self.summary),
            with: failedLoad
        )
        #expect(second.contains("syspro_bq_rows_total{table=\"ApInvoice\",company=\"A\",stage=\"extract\"} 24000"))
        #expect(second.contains("syspro_bq_rows_total{table=\"ApInvoice\",company=\"A\",stage=\"load\"} 10"))
        #expect(second.contains("syspro_bq_errors_total{table=\"ApInvoice\",company=\"A\",stage=\"load\"} 1"))
        #expect(second.contains("syspro_bq_last_run_exit_code{command=\"load\"} 75"))
        #expect(!second.contains("syspro_bq_last_success_timestamp_seconds{stage=\"load\"}"))
    }

    /// The progress line shows the stream, counts, rate and an ETA when the total is known.
    @Test func progressLineRendersRateAndETA() {
        let lines = LinesSink()
        let clock = TestTime(start: Self.start)
        let progress = ProgressLine(writer: TerminalWriter(isTerminal: true) { lines.append($0) }, interval: 0) {
            clock.now
        }
        progress.update(.init(table: "ApInvoice", company: "A", rows: 0, pages: 0, segments: 0, expectedRows: 3000))
        clock.now = Self.start.addingTimeInterval(2)
        progress.update(.init(table: "ApInvoice", company: "A", rows: 1000, pages: 1, segments: 0, expectedRows: 3000))
        #expect(lines.all.last == "\r\u{1B}[2KApInvoice/A  1,000 rows  500 rows/s  1 page  0 segments  ETA 4.0s")
    }

    /// Nothing but log lines is written when the output is not a terminal.
    @Test func noProgressOffTerminal() {
        let lines = LinesSink()
        let writer = TerminalWriter(isTerminal: false) { lines.append($0) }
        ProgressLine(writer: writer, interval: 0).update(
            .init(table: "T", company: "A", rows: 1, pages: 1, segments: 0)
        )
        writer.writeLine("log")
        #expect(lines.all == ["log\n"])
    }
}

/// Collects what a writer writes.
final class LinesSink: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A settable clock.
final class TestTime: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(start: Date) { current = start }
    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
