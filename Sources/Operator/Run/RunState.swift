public import Common
import Foundation

/// The last outcome of each stream on one side (extract or load), kept in the staging directory as
/// `run-state-<side>.json` so that `status` can show when a table last succeeded and why it last failed, after
/// the run that failed has long exited (docs/staging-format.md §1.3).
///
/// Written after every pass by the process holding that side's lock (``RunLock``), so there is one writer per
/// file; replaced atomically (temp, fsync, rename, fsync directory). Not evidence: losing the file loses only
/// this history, and `verify`, recovery and `archive` never read it.
///
/// This type is a value type and is `Sendable`.
public struct RunState: Codable, Sendable, Hashable {
    public static let formatVersion = 1

    /// What one pass was.
    public struct Pass: Codable, Sendable, Hashable {
        public var command: String
        public var runID: String
        /// RFC 3339 UTC, milliseconds.
        public var finishedAt: String
        /// A ``RunSummary/Outcome`` raw value.
        public var outcome: String
        public var exitCode: Int32

        public init(command: String, runID: String, finishedAt: String, outcome: String, exitCode: Int32) {
            self.command = command
            self.runID = runID
            self.finishedAt = finishedAt
            self.outcome = outcome
            self.exitCode = exitCode
        }

        enum CodingKeys: String, CodingKey {
            case command, outcome
            case runID = "run_id"
            case finishedAt = "finished_at"
            case exitCode = "exit_code"
        }
    }

    /// A stream's last success on this side.
    public struct Success: Codable, Sendable, Hashable {
        public var at: String
        public var runID: String
        /// Rows staged (extract) or acknowledged (load) by that pass.
        public var rows: Int
        /// Tombstones staged (extract only).
        public var tombstones: Int?
        public var segments: Int

        public init(at: String, runID: String, rows: Int, tombstones: Int?, segments: Int) {
            self.at = at
            self.runID = runID
            self.rows = rows
            self.tombstones = tombstones
            self.segments = segments
        }

        enum CodingKeys: String, CodingKey {
            case at, rows, tombstones, segments
            case runID = "run_id"
        }
    }

    /// A stream's last failure on this side, free of secrets.
    public struct Failure: Codable, Sendable, Hashable {
        public var at: String
        public var runID: String
        /// A `SysproBQError.Code` raw value.
        public var code: String
        public var message: String

        public init(at: String, runID: String, code: String, message: String) {
            self.at = at
            self.runID = runID
            self.code = code
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case at, code, message
            case runID = "run_id"
        }
    }

    /// One (company, table) on this side.
    public struct Stream: Codable, Sendable, Hashable {
        public var company: String
        public var table: String
        public var lastSuccess: Success?
        public var lastFailure: Failure?

        public init(company: String, table: String, lastSuccess: Success? = nil, lastFailure: Failure? = nil) {
            self.company = company
            self.table = table
            self.lastSuccess = lastSuccess
            self.lastFailure = lastFailure
        }

        enum CodingKeys: String, CodingKey {
            case company, table
            case lastSuccess = "last_success"
            case lastFailure = "last_failure"
        }
    }

    public var formatVersion: Int
    /// `extract` or `load`.
    public var side: String
    public var lastPass: Pass?
    /// Sorted by company, then table.
    public var streams: [Stream]

    public init(side: RunLock.Side) {
        formatVersion = Self.formatVersion
        self.side = side.rawValue
        lastPass = nil
        streams = []
    }

    enum CodingKeys: String, CodingKey {
        case side, streams
        case formatVersion = "format_version"
        case lastPass = "last_pass"
    }

    /// `run-state-extract.json` or `run-state-load.json`.
    public static func fileName(_ side: RunLock.Side) -> String { "run-state-\(side.rawValue).json" }

    /// The stream entry, if any.
    public func stream(company: String, table: String) -> Stream? {
        streams.first { $0.company == company && $0.table == table }
    }

    /// This state updated with the streams of `summary` that belong to `side`: a stream without errors records a
    /// success, one with errors a failure; the other streams keep what they had.
    ///
    /// A load stream recorded for several companies (`A,B`: BigQuery tables hold every company) updates each.
    public func updated(with summary: RunSummary, side: RunLock.Side) -> RunState {
        var state = self
        let finished = Timestamp.rfc3339(summary.finishedAt)
        state.lastPass = Pass(
            command: summary.command,
            runID: summary.runID,
            finishedAt: finished,
            outcome: summary.outcome.rawValue,
            exitCode: summary.exitCode
        )
        for recorded in summary.streams where recorded.stage.rawValue == side.rawValue {
            for company in recorded.company.split(separator: ",").map(String.init) where !company.isEmpty {
                var entry =
                    state.stream(company: company, table: recorded.table)
                    ?? Stream(company: company, table: recorded.table)
                if recorded.errors > 0 || recorded.error != nil {
                    entry.lastFailure = Failure(
                        at: finished,
                        runID: summary.runID,
                        code: recorded.errorCode ?? SysproBQError.Code.internalError.rawValue,
                        message: SecretScrubber.shared.scrub(recorded.error ?? "failed")
                    )
                } else {
                    entry.lastSuccess = Success(
                        at: finished,
                        runID: summary.runID,
                        rows: recorded.rows,
                        tombstones: recorded.tombstones,
                        segments: recorded.segments
                    )
                }
                state.streams.removeAll { $0.company == company && $0.table == recorded.table }
                state.streams.append(entry)
            }
        }
        state.streams.sort { ($0.company, $0.table) < ($1.company, $1.table) }
        return state
    }

    /// Reads `run-state-<side>.json` in `directory`; `nil` when there is none.
    ///
    /// - Throws: `.corruption` when the file exists but is not a run state (status reports it, nothing else
    ///   depends on it).
    public static func read(side: RunLock.Side, directory: String) throws(SysproBQError) -> RunState? {
        let path = directory + "/" + fileName(side)
        guard FileSystem.exists(path) else { return nil }
        do {
            return try JSONDecoder().decode(RunState.self, from: Data(try FileSystem.readFile(path)))
        } catch {
            throw SysproBQError(
                .corruption,
                "the run-state file \(path) cannot be read: \(error)",
                remedy:
                    "delete it; it holds only the last outcome per table for `status`, and the next run rewrites it",
                disposition: .needsHuman
            )
        }
    }

    /// Writes the state to `run-state-<side>.json` in `directory`, atomically, mode 0600.
    public func write(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = Array(try encoder.encode(self))
        bytes.append(0x0A)
        try FileSystem.writeAtomically(bytes, to: "\(directory)/run-state-\(side).json")
    }
}
