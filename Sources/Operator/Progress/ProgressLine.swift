public import Foundation
import Synchronization

/// The terminal progress line of a running stream: table, rows, rows/s, pages, segments, ETA.
///
/// Drawn only when stderr is a terminal (``TerminalWriter/isTerminal``); elsewhere updates cost a lock and
/// nothing is written. Redraws are limited to a few per second.
///
/// This class is thread-safe.
public final class ProgressLine: Sendable {
    /// One stream's progress, as the runner reports it.
    public struct Snapshot: Sendable, Hashable {
        public var table: String
        public var company: String
        public var rows: Int
        public var pages: Int
        public var segments: Int
        /// The rows expected in total, when the service said (`$count`), for the ETA.
        public var expectedRows: Int?

        public init(table: String, company: String, rows: Int, pages: Int, segments: Int, expectedRows: Int? = nil) {
            self.table = table
            self.company = company
            self.rows = rows
            self.pages = pages
            self.segments = segments
            self.expectedRows = expectedRows
        }
    }

    private struct State {
        var started: [String: Date] = [:]
        var lastDraw: Date = .distantPast
    }

    private let writer: TerminalWriter
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    /// The shortest time between two redraws.
    private let interval: Double

    public init(
        writer: TerminalWriter = .standardError,
        interval: Double = 0.25,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.writer = writer
        self.interval = interval
        self.now = now
    }

    /// Whether updates are drawn at all.
    public var isEnabled: Bool { writer.isTerminal }

    /// Reports progress; redraws when enough time has passed since the last redraw.
    public func update(_ snapshot: Snapshot) {
        guard writer.isTerminal else { return }
        let time = now()
        let text: String? = state.withLock { state in
            let key = snapshot.company + "\u{0}" + snapshot.table
            let started = state.started[key] ?? time
            state.started[key] = started
            guard time.timeIntervalSince(state.lastDraw) >= interval else { return nil }
            state.lastDraw = time
            return Self.render(snapshot, elapsed: time.timeIntervalSince(started))
        }
        if let text { writer.showProgress(text) }
    }

    /// Removes the line (call when the stream or the run ends).
    public func finish() { writer.clearProgress() }

    /// `ApInvoice/A  12,345 rows  2,048 rows/s  3 pages  1 segment  ETA 0m42s`.
    static func render(_ snapshot: Snapshot, elapsed: Double) -> String {
        let rate = elapsed > 0.5 ? Double(snapshot.rows) / elapsed : nil
        var parts = [
            "\(snapshot.table)/\(snapshot.company)",
            RunSummary.count(snapshot.rows, "row"),
            rate.map { "\(RunSummary.grouped(Int($0.rounded()))) rows/s" } ?? "- rows/s",
            RunSummary.count(snapshot.pages, "page"),
            RunSummary.count(snapshot.segments, "segment"),
        ]
        if let expected = snapshot.expectedRows, let rate, rate > 0, expected >= snapshot.rows {
            parts.append("ETA " + RunSummary.duration(Double(expected - snapshot.rows) / rate))
        }
        return parts.joined(separator: "  ")
    }
}
