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

    /// One stream as the pipeline reports it.
    public struct Stream: Codable, Sendable, Hashable {
        public var company: String
        public var table: String
        /// The change cursor (rowversion, business date) as text.
        public var watermark: String?
        public var lastSealedSegment: Int?
        public var unloadedSegments: Int?
        public var lastExtractAt: String?
        public var lastLoadAt: String?

        public init(
            company: String,
            table: String,
            watermark: String? = nil,
            lastSealedSegment: Int? = nil,
            unloadedSegments: Int? = nil,
            lastExtractAt: String? = nil,
            lastLoadAt: String? = nil
        ) {
            self.company = company
            self.table = table
            self.watermark = watermark
            self.lastSealedSegment = lastSealedSegment
            self.unloadedSegments = unloadedSegments
            self.lastExtractAt = lastExtractAt
            self.lastLoadAt = lastLoadAt
        }

        enum CodingKeys: String, CodingKey {
            case company, table, watermark
            case lastSealedSegment = "last_sealed_segment"
            case unloadedSegments = "unloaded_segments"
            case lastExtractAt = "last_extract_at"
            case lastLoadAt = "last_load_at"
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
            for stream in streams {
                var line = "  \(stream.table)/\(stream.company)"
                if let watermark = stream.watermark { line += "  watermark \(watermark)" }
                if let segment = stream.lastSealedSegment { line += "  last segment \(segment)" }
                if let unloaded = stream.unloadedSegments { line += "  unloaded \(unloaded)" }
                if let loaded = stream.lastLoadAt { line += "  loaded \(loaded)" }
                lines.append(line)
            }
        } else if let streamsProblem {
            lines.append("streams        not available: \(streamsProblem)")
        }
        return lines.joined(separator: "\n")
    }
}
