/// What a load run did, per raw table: the CLI prints it as the one-line summary and in `--verbose` detail.
///
/// This type is a value type and is `Sendable`.
public struct LoadSummary: Sendable, Hashable {
    /// One raw table's figures.
    public struct TableSummary: Sendable, Hashable {
        /// The BigQuery table id.
        public var table: String
        /// How the table was loaded.
        public var mode: TableOptions.Mode
        /// Segments fully loaded in this run.
        public var segmentsLoaded = 0
        /// Segments whose rows were read in this run (loaded or not).
        public var segmentsRead = 0
        /// Rows put into insertAll batches (resends not counted) or loaded by jobs.
        public var rowsSent = 0
        /// Rows BigQuery acknowledged.
        public var rowsAcknowledged = 0
        /// Rows quarantined with a reason.
        public var rowsQuarantined = 0
        /// Rows sent again after `stopped` or row-level transient errors.
        public var rowsResent = 0
        /// Retries by reason (`rateLimitExceeded`, `http503`, `transport`, `job:backendError`, …).
        public var retries: [String: Int] = [:]
        /// Access tokens refreshed after a 401.
        public var tokenRefreshes = 0
        /// Batches split after a 413.
        public var splits413 = 0
        /// HTTP requests sent to BigQuery.
        public var requests = 0
        /// Request body bytes sent.
        public var bytesSent = 0
        /// Wall-clock seconds spent on the table.
        public var elapsedSeconds = 0.0
        /// Load job ids used, in order (load-job mode).
        public var jobIDs: [String] = []

        public init(table: String, mode: TableOptions.Mode) {
            self.table = table
            self.mode = mode
        }

        mutating func add(_ statistics: ClientStatistics) {
            requests += statistics.requests
            bytesSent += statistics.bytesSent
            tokenRefreshes += statistics.tokenRefreshes
            retries.merge(statistics.retries, uniquingKeysWith: +)
        }

        mutating func add(_ totals: OrderedJournalCommitter.Totals) {
            rowsSent += totals.rowsSent
            rowsAcknowledged += totals.acknowledged
            rowsQuarantined += totals.quarantined
            rowsResent += totals.resentRows
            splits413 += totals.splits
            segmentsLoaded += totals.segmentsLoaded
        }
    }

    public var tables: [TableSummary] = []
    /// Tables that failed, with the error; the other tables were still loaded.
    public var failures: [Failure] = []
    /// Requests spent creating and checking the dataset, tables and views.
    public var setupRequests = 0
    /// Access tokens fetched in all (first fetch and refreshes).
    public var tokenFetches = 0

    public init() {}

    public var rowsAcknowledged: Int { tables.reduce(0) { $0 + $1.rowsAcknowledged } }
    public var rowsQuarantined: Int { tables.reduce(0) { $0 + $1.rowsQuarantined } }
    public var segmentsLoaded: Int { tables.reduce(0) { $0 + $1.segmentsLoaded } }

    /// `load: 3 tables, 12 segments, 5400 rows acknowledged, 1 quarantined, 2 retries`.
    public var oneLine: String {
        let retries = tables.reduce(0) { $0 + $1.retries.values.reduce(0, +) }
        return "load: \(tables.count) tables, \(segmentsLoaded) segments, \(rowsAcknowledged) rows acknowledged, "
            + "\(rowsQuarantined) quarantined, \(retries) retries"
    }
}

/// What a replay did or, in a dry run, would do.
///
/// This type is a value type and is `Sendable`.
public struct ReplaySummary: Sendable, Hashable {
    /// One selected segment.
    public struct Segment: Sendable, Hashable {
        public let sequence: UInt64
        public let fileName: String
        /// All rows of the segment.
        public let rowCount: Int64
        /// Rows whose business date is in the range: what is (or would be) sent.
        public let rowsInRange: Int
    }

    public var segments: [Segment] = []
    public var dryRun: Bool
    /// Set when rows were sent.
    public var load: LoadSummary.TableSummary?

    public init(dryRun: Bool) {
        self.dryRun = dryRun
    }
}
