public import Common

/// Everything Load needs to know about the BigQuery side: where, what, how fast and how hard to retry.
///
/// The CLI fills this from the configuration file. Every endpoint is configurable (design brief, decision 9) so
/// the same binary runs against Google, the fake BigQuery server and a local emulator; plain `http://` is refused
/// unless ``allowInsecureLocalEndpoints`` is set, and even then only for loopback hosts (``EndpointGuard``).
///
/// This type is a value type and is `Sendable`.
public struct BigQueryConfiguration: Sendable, Hashable {
    /// The Google Cloud project that owns the dataset and runs the jobs.
    public var projectID: String
    /// The dataset that holds the raw tables and views (letters, digits, `_`).
    public var datasetID: String
    /// The dataset and job location, e.g. `US` or `EU`.
    public var location: String
    /// The API base, without a trailing slash: `https://bigquery.googleapis.com`. `/bigquery/v2` and
    /// `/upload/bigquery/v2` are appended.
    public var apiBaseURL: String
    /// The token endpoint; `nil` uses the key file's `token_uri`.
    public var tokenURI: String?
    /// The JWT `aud` claim. Google documents a fixed value regardless of where the token is posted.
    public var tokenAudience: String
    /// The OAuth scope requested.
    public var scope: String
    /// Allows `http://` endpoints on 127.0.0.1 / localhost, for tests against local servers only.
    public var allowInsecureLocalEndpoints: Bool
    /// Prefixed to every raw table and view name (e.g. `syspro_`).
    public var tablePrefix: String
    /// Options used for a table that has no entry in ``tables``.
    public var defaultTableOptions: TableOptions
    /// Per-table options, keyed by the SYSPRO table name (e.g. `ApInvoice`).
    public var tables: [String: TableOptions]
    /// Rows per insertAll request. Google recommends 500.
    public var maxRowsPerRequest: Int
    /// Bytes per insertAll request body; must stay under the 10 MB request limit.
    public var maxBytesPerRequest: Int
    /// insertAll requests in flight at once, each on its own thread and HTTP client.
    public var concurrency: Int
    /// Retry and backoff for transient failures (429, 5xx, rateLimitExceeded, backendError, timeouts).
    public var retryPolicy: RetryPolicy
    /// A `gs://bucket/prefix` where the CLI copies segments for load jobs; `nil` uploads segments instead.
    public var gcsStagingURI: String?
    /// Local testing only: the directory an emulator maps `gs://` to (`BQEMU_GCS_LOCAL_ROOT`). When set, load
    /// jobs with ``gcsStagingURI`` copy the segment to `<root>/<bucket>/<prefix>/…` themselves.
    public var gcsLocalRoot: String?
    /// Segments below this size are uploaded in one multipart request; larger ones use a resumable upload.
    public var multipartLimit: Int
    /// The chunk size of resumable uploads; a multiple of 256 KiB.
    public var resumableChunkSize: Int
    /// The first wait between polls of a running load job, in seconds; doubles up to ``jobPollMaximumDelay``.
    public var jobPollInitialDelay: Double
    /// The longest wait between polls of a running load job, in seconds.
    public var jobPollMaximumDelay: Double
    /// How long a load job may run before Load gives up waiting (it keeps running in BigQuery), in seconds.
    public var jobTimeout: Double
    /// Seconds allowed to connect, per request.
    public var connectTimeout: Double
    /// Seconds allowed for a whole request, per request (uploads of big segments need more).
    public var requestTimeout: Double

    public init(
        projectID: String,
        datasetID: String,
        location: String = "US",
        apiBaseURL: String = "https://bigquery.googleapis.com",
        tokenURI: String? = nil,
        tokenAudience: String = "https://oauth2.googleapis.com/token",
        scope: String = "https://www.googleapis.com/auth/bigquery",
        allowInsecureLocalEndpoints: Bool = false,
        tablePrefix: String = "",
        defaultTableOptions: TableOptions = TableOptions(),
        tables: [String: TableOptions] = [:],
        maxRowsPerRequest: Int = BigQueryLimits.recommendedRowsPerRequest,
        maxBytesPerRequest: Int = BigQueryLimits.defaultBytesPerRequest,
        concurrency: Int = 4,
        retryPolicy: RetryPolicy = RetryPolicy(),
        gcsStagingURI: String? = nil,
        gcsLocalRoot: String? = nil,
        multipartLimit: Int = BigQueryLimits.multipartUploadLimit,
        resumableChunkSize: Int = 32 * BigQueryLimits.uploadChunkQuantum,
        jobPollInitialDelay: Double = 1,
        jobPollMaximumDelay: Double = 15,
        jobTimeout: Double = 3600,
        connectTimeout: Double = 15,
        requestTimeout: Double = 300
    ) {
        self.projectID = projectID
        self.datasetID = datasetID
        self.location = location
        self.apiBaseURL = apiBaseURL
        self.tokenURI = tokenURI
        self.tokenAudience = tokenAudience
        self.scope = scope
        self.allowInsecureLocalEndpoints = allowInsecureLocalEndpoints
        self.tablePrefix = tablePrefix
        self.defaultTableOptions = defaultTableOptions
        self.tables = tables
        self.maxRowsPerRequest = maxRowsPerRequest
        self.maxBytesPerRequest = maxBytesPerRequest
        self.concurrency = concurrency
        self.retryPolicy = retryPolicy
        self.gcsStagingURI = gcsStagingURI
        self.gcsLocalRoot = gcsLocalRoot
        self.multipartLimit = multipartLimit
        self.resumableChunkSize = resumableChunkSize
        self.jobPollInitialDelay = jobPollInitialDelay
        self.jobPollMaximumDelay = jobPollMaximumDelay
        self.jobTimeout = jobTimeout
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// The options for a SYSPRO table.
    public func options(forTable table: String) -> TableOptions {
        tables[table] ?? defaultTableOptions
    }

    /// The BigQuery table id of the raw table for a SYSPRO table.
    public func rawTableID(forTable table: String) -> String {
        tablePrefix + table
    }

    /// Checks limits and endpoints; throws a configuration error that names the field.
    public func validate() throws(SysproBQError) {
        func fail(_ text: String) -> SysproBQError {
            SysproBQError(.configuration, "BigQuery configuration: \(text)", disposition: .terminal)
        }
        guard !projectID.isEmpty else { throw fail("projectID is empty") }
        guard BigQueryNames.isValidDatasetID(datasetID) else {
            throw fail("datasetID '\(datasetID)' may hold only letters, digits and '_'")
        }
        guard (1...BigQueryLimits.maxRowsPerRequest).contains(maxRowsPerRequest) else {
            throw fail("maxRowsPerRequest must be 1...\(BigQueryLimits.maxRowsPerRequest)")
        }
        guard (1024...BigQueryLimits.maxRequestBytes).contains(maxBytesPerRequest) else {
            throw fail("maxBytesPerRequest must be 1024...\(BigQueryLimits.maxRequestBytes - 1)")
        }
        guard concurrency >= 1 else { throw fail("concurrency must be at least 1") }
        guard resumableChunkSize > 0, resumableChunkSize % BigQueryLimits.uploadChunkQuantum == 0 else {
            throw fail("resumableChunkSize must be a positive multiple of 262144 (256 KiB)")
        }
        try EndpointGuard.check(apiBaseURL, name: "apiBaseURL", allowInsecureLocal: allowInsecureLocalEndpoints)
        if let tokenURI {
            try EndpointGuard.check(tokenURI, name: "tokenURI", allowInsecureLocal: allowInsecureLocalEndpoints)
        }
        if let gcsStagingURI, GCSLocation(gcsStagingURI) == nil {
            throw fail("gcsStagingURI '\(gcsStagingURI)' must look like gs://bucket/prefix")
        }
    }
}

/// Published BigQuery limits, each with its source (see the project's BigQuery reference, Part A).
public enum BigQueryLimits {
    /// "500 recommended" rows per insertAll request (https://cloud.google.com/bigquery/quotas#streaming_inserts).
    public static let recommendedRowsPerRequest = 500
    /// 50,000 rows per insertAll request at most (same page).
    public static let maxRowsPerRequest = 50_000
    /// The 10 MB HTTP request limit of insertAll; over it the front end answers 413.
    public static let maxRequestBytes = 10_000_000
    /// The default request budget: 9 MiB, as the Node client's `BATCH_LIMITS.maxBytes`, leaving headroom.
    public static let defaultBytesPerRequest = 9 * 1024 * 1024
    /// Resumable upload chunks must be multiples of 256 KiB (google-resumable-media `UPLOAD_CHUNK_SIZE`).
    public static let uploadChunkQuantum = 262_144
    /// The Python client uploads below 5 MiB in one multipart request (`_MAX_MULTIPART_SIZE`).
    public static let multipartUploadLimit = 5 * 1024 * 1024
    /// "You can specify up to four clustering columns" (https://cloud.google.com/bigquery/docs/creating-clustered-tables).
    public static let maxClusteringColumns = 4
}

/// Naming rules for BigQuery identifiers.
public enum BigQueryNames {
    /// Dataset ids: letters, digits and `_`, up to 1,024 characters (DatasetReference in the discovery document).
    public static func isValidDatasetID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 1024 && id.unicodeScalars.allSatisfy { isWordASCII($0) }
    }

    /// Column names: letters, digits and `_`, starting with a letter or `_`, up to 300 characters.
    public static func isValidColumnName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 300 else { return false }
        return !("0"..."9").contains(first) && name.unicodeScalars.allSatisfy { isWordASCII($0) }
    }

    /// Job ids: letters, digits, `_` and `-`, up to 1,024 characters. Other characters become `_`.
    public static func sanitizedJobIDComponent(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isWordASCII($0) || $0 == "-" ? $0 : "_" }))
    }

    static func isWordASCII(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
