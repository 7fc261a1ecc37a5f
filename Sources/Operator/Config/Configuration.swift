public import Foundation

/// The whole syspro-bq configuration: one TOML file plus `SYSPRO_BQ_<SECTION>_<KEY>` environment overrides,
/// validated and typed. docs/configuration.md documents every key, its type, default and meaning.
///
/// Keys that only some commands need (the SYSPRO service root, the BigQuery dataset, ...) are optional here so
/// that `init`, `creds` and `status` work on a file that is still being filled in; a command that needs them calls
/// ``requireReady(for:)`` first, which names every missing key at once.
///
/// Relative paths in the file are resolved against the directory of the file, so a scheduler may start
/// syspro-bq from any working directory.
///
/// This type is a value type and is `Sendable`.
public struct Configuration: Sendable {
    /// The configuration file that was read.
    public var file: URL
    /// The directory relative paths were resolved against (the file's directory).
    public var directory: URL
    public var syspro: Syspro
    public var bigQuery: BigQuery
    public var staging: Staging
    public var security: Security
    public var logging: Logging
    public var metrics: Metrics
    /// Per-table settings, in file order.
    public var tables: [Table]
    /// Where each key's value came from, keyed by `section.key` (e.g. `bigquery.dataset`). Keys left at their
    /// default are absent.
    public var origins: [String: ValueOrigin]

    /// The settings for the table named `name` (exact, case-sensitive), if the file has a `[tables.<name>]`.
    public func table(named name: String) -> Table? { tables.first { $0.name == name } }

    /// `[syspro]`: where and how to read SYSPRO.
    public struct Syspro: Sendable, Hashable {
        /// The OData service root, e.g. `https://erp:443/SYSPRO8Odata/SYSPROOData`. Required for OData sources.
        public var odataURL: String?
        /// How an entity set URL is built from the root; placeholders `{root}`, `{company}`, `{table}`.
        public var odataPathTemplate: String = "{root}/{company}/{table}"
        /// The e.net REST root, e.g. `https://erp/SYSPROWCFService/Rest`. Required for e.net sources.
        public var enetURL: String?
        public var source: SourceKind = .odata
        /// The SYSPRO company ids; each (company, table) is its own stream. Kept byte for byte.
        public var companies: [String] = []
        /// The SYSPRO operator code syspro-bq logs in as (key `operator`).
        public var operatorCode: String?
        /// A PEM file of CA certificates to trust for the SYSPRO endpoints (absolute path).
        public var caBundle: String?
        /// The companies' time zone, used for business dates (design brief, decision 4).
        public var timeZone: TimeZone?
        /// Parallel requests to SYSPRO, 1–4.
        public var concurrency: Int = 2
        /// Rows per page, 1–5000 (SYSPRO OData's server page is 5000).
        public var pageSize: Int = 5000
        /// Timeout of one SYSPRO request.
        public var timeoutSeconds: Int = 120
        /// Follow `@odata.nextLink` when the service sends one.
        public var nextLink: Bool = true
        /// Allow `$skip` paging for entities with no usable keyset order (the last resort; see decision 5).
        public var allowSkipPaging: Bool = false

        public init() {}
    }

    /// The SYSPRO interface to read from.
    public enum SourceKind: String, Sendable, Hashable, CaseIterable {
        case odata
        case enet
    }

    /// `[bigquery]`: where and how to load.
    public struct BigQuery: Sendable, Hashable {
        public var project: String?
        public var dataset: String?
        public var location: String = "US"
        /// The BigQuery API base URL; a local emulator's URL in tests.
        public var apiURL: String = "https://bigquery.googleapis.com"
        /// The OAuth token endpoint; `nil` means the `token_uri` of the service-account key.
        public var tokenURI: String?
        public var loadMode: LoadMode = .insertAll
        /// Rows per insertAll request.
        public var batchRows: Int = 500
        /// insertAll requests in flight at once.
        public var inFlight: Int = 4
        /// Prefix of every raw table name (letters, digits, `_`).
        public var tablePrefix: String = ""
        /// Permit `http://` Google endpoints, and only on loopback addresses (emulators).
        public var allowInsecureLocalEndpoints: Bool = false
        /// `gs://bucket/prefix` where load jobs stage segment files.
        public var gcsStagingURI: String?
        /// A local directory standing in for GCS (testing only; absolute path).
        public var gcsLocalRoot: String?

        public init() {}
    }

    /// How rows are sent to BigQuery.
    public enum LoadMode: String, Sendable, Hashable, CaseIterable {
        /// Streaming `tabledata.insertAll`, batches of `batch_rows`.
        case insertAll
        /// One load job per segment, deterministic job id (exact, free; for backfills and replays).
        case loadJob
    }

    /// `[staging]`: the on-disk log.
    public struct Staging: Sendable, Hashable {
        /// The staging directory (absolute path).
        public var directory: String
        public var segmentMaxRows: Int = 100_000
        /// Uncompressed NDJSON bytes per segment before it is sealed.
        public var segmentMaxBytes: Int = 64 * 1024 * 1024
        public var gzipLevel: Int = 1
        /// Days sealed and loaded segments are kept; `nil` keeps them for ever (audit evidence).
        public var retentionDays: Int?
        /// Where `archive` moves old segments by default (absolute path).
        public var archiveDirectory: String?

        public init(directory: String) { self.directory = directory }
    }

    /// `[security]`: where the master key and the encrypted credential store live.
    public struct Security: Sendable, Hashable {
        /// The master key file (absolute path), used when `SYSPRO_BQ_MASTER_KEY` is not set.
        public var keyFile: String
        /// The encrypted credential store (absolute path).
        public var credentialsFile: String

        public init(keyFile: String, credentialsFile: String) {
            self.keyFile = keyFile
            self.credentialsFile = credentialsFile
        }
    }

    /// `[logging]`.
    public struct Logging: Sendable, Hashable {
        public var format: LogFormat = .text
        public var level: LogLevel = .info

        public init() {}
    }

    /// `[metrics]`.
    public struct Metrics: Sendable, Hashable {
        /// The Prometheus node-exporter textfile to write after each run (absolute path).
        public var prometheusTextfile: String?

        public init() {}
    }

    /// `[tables.<Name>]`: per-table overrides of the catalog, or a whole table the catalog lacks.
    ///
    /// `nil` means "the catalog decides". The catalog merge happens in the pipeline, not here.
    public struct Table: Sendable, Hashable {
        /// The SYSPRO table name, e.g. `ApInvoice`.
        public var name: String
        public var enabled: Bool = true
        public var strategy: ChangeStrategy?
        public var businessDateColumn: String?
        public var lookBackDays: Int?
        /// Every N-th extract reads the whole table so vanished rows become tombstones; 0 never sweeps.
        public var sweepEveryRuns: Int?
        public var partitioning: Partitioning?
        /// Up to four clustering columns.
        public var clustering: [String]?
        /// Free text for people and schedulers ("every 10m", "nightly").
        public var scheduleHint: String?
        public var loadMode: LoadMode?
        /// Key columns of a table the catalog lacks.
        public var keys: [String]?
        /// Columns of a table the catalog lacks, in order.
        public var columns: [ColumnDeclaration]?
        /// Catalog columns this SYSPRO lacks (an older version): not read, not staged.
        public var excludeColumns: [String]?

        public init(name: String) { self.name = name }
    }

    /// How a table's changes are detected (design brief, decision 5).
    public enum ChangeStrategy: String, Sendable, Hashable, CaseIterable {
        case rowversion
        case businessDate = "business_date"
        case snapshot
    }

    /// How a raw BigQuery table is partitioned.
    public enum Partitioning: String, Sendable, Hashable, CaseIterable {
        case ingestionDay = "ingestion_day"
        case ingestionMonth = "ingestion_month"
        case businessDateDay = "business_date_day"
        case businessDateMonth = "business_date_month"
        case none
    }

    /// One `"Name:sqltype"` column of a table the catalog lacks. The SQL type is kept as written, lower-cased.
    public struct ColumnDeclaration: Sendable, Hashable {
        public var name: String
        public var sqlType: String

        public init(name: String, sqlType: String) {
            self.name = name
            self.sqlType = sqlType
        }
    }

    /// Log output format.
    public enum LogFormat: String, Sendable, Hashable, CaseIterable {
        case text
        case json
    }

    /// Log level names, as swift-log spells them.
    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}

/// Where a configuration value came from, for error messages and `status`.
public enum ValueOrigin: Sendable, Hashable, CustomStringConvertible {
    /// A key in the file, at a 1-based line.
    case file(path: String, line: Int)
    /// An environment override.
    case environment(variable: String)

    public var description: String {
        switch self {
        case .file(let path, let line): return "\(path):\(line)"
        case .environment(let variable): return "environment variable \(variable)"
        }
    }
}
