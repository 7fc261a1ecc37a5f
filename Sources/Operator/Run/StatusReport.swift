import Foundation

/// What `syspro-bq status` shows: the operator's view (configuration, staging directory, locks, key and
/// credentials, what is still missing) and, from the pipeline, one line per stream.
///
/// Encoded as JSON for `status --json` with snake_case keys. This type is a value type and is `Sendable`.
public struct StatusReport: Codable, Sendable, Hashable {
    public struct Lock: Codable, Sendable, Hashable {
        public var side: String
        /// "pid N since T" while a live process holds it; nil when free.
        public var heldBy: String?

        public init(side: String, heldBy: String?) {
            self.side = side
            self.heldBy = heldBy
        }

        enum CodingKeys: String, CodingKey {
            case side
            case heldBy = "held_by"
        }
    }

    public struct Credential: Codable, Sendable, Hashable {
        public var name: String
        public var created: String
        public var updated: String

        public init(name: String, created: String, updated: String) {
            self.name = name
            self.created = created
            self.updated = updated
        }
    }

    /// A stream's last failure (extract or load), from the run-state files (docs/staging-format.md §1.3).
    public struct StreamError: Codable, Sendable, Hashable {
        /// `extract` or `load`.
        public var stage: String
        /// RFC 3339 UTC.
        public var at: String
        public var runID: String
        /// A `SysproBQError.Code` raw value (`credentials`, `transport`, `remote`, …).
        public var code: String
        public var message: String

        public init(stage: String, at: String, runID: String, code: String, message: String) {
            self.stage = stage
            self.at = at
            self.runID = runID
            self.code = code
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case stage, at, code, message
            case runID = "run_id"
        }
    }

    /// One stream (company, table) as the staging log, its load journal and the run-state files describe it.
    ///
    /// Every key is always present in the JSON (`null` when unknown), so a scheduler can rely on the shape;
    /// docs/operations.md ("status") defines each field.
    public struct Stream: Codable, Sendable, Hashable {
        public var company: String
        public var table: String
        /// The change cursor (rowversion, business date) as text.
        public var watermark: String?
        public var lastSealedSegment: Int?
        /// When the last successful extract of the stream finished (RFC 3339 UTC).
        public var lastExtractAt: String?
        public var lastExtractRunID: String?
        /// Rows (tombstones included) that extract staged.
        public var lastExtractRows: Int?
        public var lastExtractTombstones: Int?
        /// The newest load-journal record of the stream (an acknowledgement or a loaded segment).
        public var lastLoadAt: String?
        /// Sealed segments not fully accounted for in the load journal.
        public var segmentsPending: Int
        /// Rows of those segments neither acknowledged by BigQuery nor quarantined.
        public var rowsPending: Int64
        /// `_extracted_at` of the oldest pending row.
        public var oldestPendingExtractedAt: String?
        /// Now minus `oldestPendingExtractedAt`; 0 when nothing is pending.
        public var loadLagSeconds: Double?
        /// Now minus `lastExtractAt`; nil before the first successful extract.
        public var extractAgeSeconds: Double?
        /// The most recent failure of the stream (extract or load), if it has not succeeded on that side since.
        public var lastError: StreamError?

        public init(company: String, table: String) {
            self.company = company
            self.table = table
            segmentsPending = 0
            rowsPending = 0
        }

        enum CodingKeys: String, CodingKey {
            case company, table, watermark
            case lastSealedSegment = "last_sealed_segment"
            case lastExtractAt = "last_extract_at"
            case lastExtractRunID = "last_extract_run_id"
            case lastExtractRows = "last_extract_rows"
            case lastExtractTombstones = "last_extract_tombstones"
            case lastLoadAt = "last_load_at"
            case segmentsPending = "segments_pending"
            case rowsPending = "rows_pending"
            case oldestPendingExtractedAt = "oldest_pending_extracted_at"
            case loadLagSeconds = "load_lag_seconds"
            case extractAgeSeconds = "extract_age_seconds"
            case lastError = "last_error"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(company, forKey: .company)
            try container.encode(table, forKey: .table)
            try container.encode(watermark, forKey: .watermark)
            try container.encode(lastSealedSegment, forKey: .lastSealedSegment)
            try container.encode(lastExtractAt, forKey: .lastExtractAt)
            try container.encode(lastExtractRunID, forKey: .lastExtractRunID)
            try container.encode(lastExtractRows, forKey: .lastExtractRows)
            try container.encode(lastExtractTombstones, forKey: .lastExtractTombstones)
            try container.encode(lastLoadAt, forKey: .lastLoadAt)
            try container.encode(segmentsPending, forKey: .segmentsPending)
            try container.encode(rowsPending, forKey: .rowsPending)
            try container.encode(oldestPendingExtractedAt, forKey: .oldestPendingExtractedAt)
            try container.encode(loadLagSeconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .loadLagSeconds)
            try container.encode(extractAgeSeconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .extractAgeSeconds)
            try container.encode(lastError, forKey: .lastError)
        }
    }

    public var version: String
    public var configurationFile: String
    public var stagingDirectory: String
    public var stagingExists: Bool
    public var stagingFreeBytes: Int64?
    public var locks: [Lock]
    /// Where the master key comes from, e.g. "key file /etc/syspro-bq/syspro-bq.key".
    public var masterKey: String
    /// Why the master key cannot be used (missing, exposed, malformed), if so.
    public var masterKeyProblem: String?
    public var credentialsFile: String
    public var credentials: [Credential]
    public var companies: [String]
    public var configuredTables: [String]
    /// Keys `extract` needs that are not set (`key in [section]`).
    public var missingForExtract: [String]
    /// Keys `load` needs that are not set.
    public var missingForLoad: [String]
    /// The pipeline's streams; nil when they could not be read (see `streamsProblem`).
    public var streams: [Stream]?
    public var streamsProblem: String?

    public init(
        version: String,
        configurationFile: String,
        stagingDirectory: String,
        stagingExists: Bool,
        stagingFreeBytes: Int64?,
        locks: [Lock],
        masterKey: String,
        masterKeyProblem: String?,
        credentialsFile: String,
        credentials: [Credential],
        companies: [String],
        configuredTables: [String],
        missingForExtract: [String],
        missingForLoad: [String],
        streams: [Stream]?,
        streamsProblem: String?
    ) {
        self.version = version
        self.configurationFile = configurationFile
        self.stagingDirectory = stagingDirectory
        self.stagingExists = stagingExists
        self.stagingFreeBytes = stagingFreeBytes
        self.locks = locks
        self.masterKey = masterKey
        self.masterKeyProblem = masterKeyProblem
        self.credentialsFile = credentialsFile
        self.credentials = credentials
        self.companies = companies
        self.configuredTables = configuredTables
        self.missingForExtract = missingForExtract
        self.missingForLoad = missingForLoad
        self.streams = streams
        self.streamsProblem = streamsProblem
    }

    enum CodingKeys: String, CodingKey {
        case version
        case configurationFile = "configuration_file"
        case stagingDirectory = "staging_directory"
        case stagingExists = "staging_exists"
        case stagingFreeBytes = "staging_free_bytes"
        case locks
        case masterKey = "master_key"
        case masterKeyProblem = "master_key_problem"
        case credentialsFile = "credentials_file"
        case credentials, companies
        case configuredTables = "configured_tables"
        case missingForExtract = "missing_for_extract"
        case missingForLoad = "missing_for_load"
        case streams
        case streamsProblem = "streams_problem"
    }

    /// The report as pretty JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The report as text for people.
    public var text: String {
        var lines = ["syspro-bq \(version)"]
        lines.append("configuration  \(configurationFile)")
        var staging = "staging        \(stagingDirectory)"
        if !stagingExists {
            staging += " (MISSING)"
        } else if let free = stagingFreeBytes {
            staging += " (\(RunSummary.grouped(Int(free / 1_048_576))) MiB free)"
        }
        lines.append(staging)
        for lock in locks {
            lines.append(
                "lock \(lock.side.padding(toLength: 10, withPad: " ", startingAt: 0))\(lock.heldBy.map { "held by \($0)" } ?? "free")"
            )
        }
        lines.append("master key     \(masterKey)" + (masterKeyProblem.map { " — PROBLEM: \($0)" } ?? ""))
        lines.append("credentials    \(credentialsFile)")
        if credentials.isEmpty { lines.append("  (none stored)") }
        for credential in credentials {
            lines.append("  \(credential.name)  updated \(credential.updated)")
        }
        lines.append("companies      \(companies.isEmpty ? "(none)" : companies.joined(separator: ", "))")
        lines.append(
            "tables         \(configuredTables.isEmpty ? "(catalog defaults)" : configuredTables.joined(separator: ", "))"
        )
        lines.append(
            "extract ready  "
                + (missingForExtract.isEmpty ? "yes" : "no — missing " + missingForExtract.joined(separator: ", "))
        )
        lines.append(
            "load ready     "
                + (missingForLoad.isEmpty ? "yes" : "no — missing " + missingForLoad.joined(separator: ", "))
        )
        if let streams {
            lines.append("streams")
            for stream in streams { lines += Self.text(stream) }
        } else if let streamsProblem {
            lines.append("streams        not available: \(streamsProblem)")
        }
        return lines.joined(separator: "\n")
    }

    /// A stream as two or three lines of text.
    static func text(_ stream: Stream) -> [String] {
        var lines = ["  \(stream.table)/\(stream.company)  watermark \(stream.watermark ?? "(none)")"]
        var extract = "    extract  "
        if let at = stream.lastExtractAt {
            extract += "last \(at)"
            if let age = stream.extractAgeSeconds { extract += " (\(RunSummary.duration(age)) ago)" }
            if let run = stream.lastExtractRunID { extract += ", run \(run)" }
            if let rows = stream.lastExtractRows {
                extract += ", \(RunSummary.count(rows, "row"))"
                if let tombstones = stream.lastExtractTombstones {
                    extract += " (\(RunSummary.count(tombstones, "tombstone")))"
                }
            }
        } else {
            extract += "never succeeded"
        }
        lines.append(extract)
        var load = "    load     last \(stream.lastLoadAt ?? "never")"
        load += "; pending \(RunSummary.count(stream.segmentsPending, "segment")), "
        load += RunSummary.count(Int(stream.rowsPending), "row")
        if let lag = stream.loadLagSeconds, stream.rowsPending > 0 { load += ", lag \(RunSummary.duration(lag))" }
        lines.append(load)
        if let error = stream.lastError {
            lines.append("    last error  \(error.stage) \(error.at) [\(error.code)] \(error.message)")
        }
        return lines
    }
}
