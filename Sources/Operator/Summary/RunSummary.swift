public import Foundation

/// What one `extract`, `load`, `run` or `replay` did, per stream: printed as one line for people and, with
/// `--json-summary`, as one JSON object on stdout for schedulers. The pipeline fills it; the CLI prints it.
///
/// JSON keys are snake_case and stable (a scheduler parses them); dates are RFC 3339 UTC with milliseconds.
///
/// This type is a value type and is `Sendable`.
public struct RunSummary: Codable, Sendable, Hashable {
    /// How the run ended.
    public enum Outcome: String, Codable, Sendable, Hashable {
        case succeeded
        /// Finished, but some rows were quarantined (exit 65).
        case succeededWithQuarantine = "succeeded_with_quarantine"
        case failed
        /// Stopped by SIGINT/SIGTERM at a safe point.
        case interrupted
    }

    /// The pipeline stage a stream line describes.
    public enum Stage: String, Codable, Sendable, Hashable, CaseIterable {
        case extract
        case load
    }

    /// One (company, table, stage) stream's counts.
    public struct Stream: Codable, Sendable, Hashable {
        public var company: String
        public var table: String
        public var stage: Stage
        /// Rows staged (extract, tombstones included) or acknowledged by BigQuery (load).
        public var rows: Int
        /// Of `rows`, the tombstones (rows SYSPRO deleted) an extract staged; `nil` for load, which sends
        /// tombstones like any other row and does not count them apart.
        public var tombstones: Int?
        /// Segments sealed (extract) or fully loaded (load).
        public var segments: Int
        /// SYSPRO pages read (extract) or BigQuery requests sent (load).
        public var pages: Int
        public var retries: Int
        public var errors: Int
        /// Rows BigQuery rejected and that were quarantined with their reason.
        public var quarantinedRows: Int
        public var elapsedSeconds: Double
        /// At the end of the run: for extract, seconds since this stream's last successful extract (0 right after
        /// one); for load, seconds since the oldest row still pending for BigQuery was extracted (0 when nothing
        /// is pending). docs/operations.md ("Lag") defines both.
        public var lagSeconds: Double?
        /// The stream's failure, already free of secrets, when it failed.
        public var error: String?
        /// The failure's `SysproBQError.Code` (`credentials`, `transport`, …), when it failed.
        public var errorCode: String?

        public init(
            company: String,
            table: String,
            stage: Stage,
            rows: Int = 0,
            tombstones: Int? = nil,
            segments: Int = 0,
            pages: Int = 0,
            retries: Int = 0,
            errors: Int = 0,
            quarantinedRows: Int = 0,
            elapsedSeconds: Double = 0,
            lagSeconds: Double? = nil,
            error: String? = nil,
            errorCode: String? = nil
        ) {
            self.company = company
            self.table = table
            self.stage = stage
            self.rows = rows
            self.tombstones = tombstones
            self.segments = segments
            self.pages = pages
            self.retries = retries
            self.errors = errors
            self.quarantinedRows = quarantinedRows
            self.elapsedSeconds = elapsedSeconds
            self.lagSeconds = lagSeconds
            self.error = error
            self.errorCode = errorCode
        }

        enum CodingKeys: String, CodingKey {
            case company, table, stage, rows, tombstones, segments, pages, retries, errors
            case quarantinedRows = "quarantined_rows"
            case elapsedSeconds = "elapsed_seconds"
            case lagSeconds = "lag_seconds"
            case error
            case errorCode = "error_code"
        }
    }

    /// `extract`, `load`, `run` or `replay`.
    public var command: String
    /// The run id written into every staged row's `_run_id`.
    public var runID: String
    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: Outcome
    /// The process exit code this run ends with.
    public var exitCode: Int32
    public var streams: [Stream]
    /// The run's failure, already free of secrets, when it failed.
    public var error: String?

    public init(
        command: String,
        runID: String,
        startedAt: Date,
        finishedAt: Date,
        outcome: Outcome,
        exitCode: Int32,
        streams: [Stream] = [],
        error: String? = nil
    ) {
        self.command = command
        self.runID = runID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.exitCode = exitCode
        self.streams = streams
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case command
        case runID = "run_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case elapsedSeconds = "elapsed_seconds"
        case outcome
        case exitCode = "exit_code"
        case totals
        case streams
        case error
    }

    /// Seconds from start to finish.
    public var elapsedSeconds: Double { finishedAt.timeIntervalSince(startedAt) }

    /// The sum over all streams.
    public var totals: Totals {
        var totals = Totals()
        for stream in streams {
            totals.rows += stream.rows
            totals.tombstones += stream.tombstones ?? 0
            totals.segments += stream.segments
            totals.retries += stream.retries
            totals.errors += stream.errors
            totals.quarantinedRows += stream.quarantinedRows
        }
        return totals
    }

    /// Sums over all streams, included in the JSON for schedulers that only want totals.
    public struct Totals: Codable, Sendable, Hashable {
        public var rows = 0
        /// Tombstones staged (extract streams only); included in `rows`.
        public var tombstones = 0
        public var segments = 0
        public var retries = 0
        public var errors = 0
        public var quarantinedRows = 0

        enum CodingKeys: String, CodingKey {
            case rows, tombstones, segments, retries, errors
            case quarantinedRows = "quarantined_rows"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode(String.self, forKey: .command)
        runID = try container.decode(String.self, forKey: .runID)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        finishedAt = try container.decode(Date.self, forKey: .finishedAt)
        outcome = try container.decode(Outcome.self, forKey: .outcome)
        exitCode = try container.decode(Int32.self, forKey: .exitCode)
        streams = try container.decode([Stream].self, forKey: .streams)
        error = try container.decodeIfPresent(String.self, forKey: .error)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encode(runID, forKey: .runID)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode((elapsedSeconds * 1000).rounded() / 1000, forKey: .elapsedSeconds)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(totals, forKey: .totals)
        try container.encode(streams, forKey: .streams)
        try container.encodeIfPresent(error, forKey: .error)
    }
}
