public import Common
import Foundation
public import Logging
public import SegmentLog

/// What the CLI calls: load staged segments into BigQuery, replay a business-date range, run a query.
///
/// Everything Load needs comes from the staging log (decision 10): the segments, their manifests and each
/// stream's schema. Load never talks to SYSPRO and never moves the extract watermark.
///
/// For each SYSPRO table, `load` makes sure the dataset, the raw table (schema evolved if needed) and the
/// `<table>_current` view exist, then delivers every segment not yet loaded, stream by stream, through insertAll
/// (``InsertAllPipeline``) or one load job per segment (``LoadJobRunner``), as the table's options say. Each
/// stream's journal is held open (and locked) while its segments are sent, so two loads never interleave.
///
/// Thread-safety: not thread-safe; one run at a time. It starts its own worker threads for insertAll.
public final class LoadRunner {
    /// Per-run options.
    public struct Options: Sendable {
        /// Load at most this many segments per stream (oldest first); `nil` loads all.
        public var maxSegmentsPerStream: Int?
        /// Overrides every table's configured mode.
        public var mode: TableOptions.Mode?
        /// Skip creating/evolving datasets, tables and views (they are known to be current).
        public var skipTableSetup: Bool
        /// Polled between rows and segments; returning true stops the run safely (a signal was received).
        public var shouldStop: @Sendable () -> Bool

        public init(
            maxSegmentsPerStream: Int? = nil,
            mode: TableOptions.Mode? = nil,
            skipTableSetup: Bool = false,
            shouldStop: @escaping @Sendable () -> Bool = { false }
        ) {
            self.maxSegmentsPerStream = maxSegmentsPerStream
            self.mode = mode
            self.skipTableSetup = skipTableSetup
            self.shouldStop = shouldStop
        }
    }

    public let configuration: BigQueryConfiguration
    let log: StagingLog
    let authenticator: ServiceAccountAuthenticator
    let clock: any WallClock
    let logger: Logger
    let makeTransport: @Sendable () throws -> any HTTPTransport

    /// - Parameters:
    ///   - configuration: the BigQuery side; validated here.
    ///   - serviceAccountKeyJSON: the decrypted key file's bytes; kept in memory only.
    ///   - log: the staging log to read.
    ///   - clock: time for tokens, backoff and polling.
    ///   - logger: where progress and retries are reported.
    ///   - makeTransport: makes one HTTP transport per thread (a `CurlHTTPClient` in production).
    /// - Throws: a configuration or credentials error.
    public init(
        configuration: BigQueryConfiguration,
        serviceAccountKeyJSON: [UInt8],
        log: StagingLog,
        clock: any WallClock = SystemClock(),
        logger: Logger,
        makeTransport: @escaping @Sendable () throws -> any HTTPTransport
    ) throws {
        try configuration.validate()
        let key = try ServiceAccountKey(json: serviceAccountKeyJSON)
        self.configuration = configuration
        self.log = log
        self.authenticator = try ServiceAccountAuthenticator(key: key, configuration: configuration, clock: clock)
        self.clock = clock
        self.logger = logger
        self.makeTransport = makeTransport
    }

    /// A client on the calling thread.
    func makeClient() throws -> BigQueryClient {
        BigQueryClient(
            configuration: configuration,
            transport: try makeTransport(),
            authenticator: authenticator,
            clock: clock,
            logger: logger
        )
    }

    /// Loads every sealed segment of `streams` that is not yet loaded.
    ///
    /// A failure of one table (a schema conflict) or one stream (a 400, a 404 twice, a locked journal) is recorded
    /// in the summary's ``LoadSummary/failures`` and the others go on; credential failures (401 after a refresh,
    /// 403 accessDenied, invalid_grant) stop the run at once, since nothing else can succeed.
    public func load(streams: [StreamID], options: Options = Options()) throws -> LoadSummary {
        var summary = LoadSummary()
        let client = try makeClient()
        let tables = TableManager(client: client)
        if !options.skipTableSetup { try tables.ensureDataset() }
        let byTable = Dictionary(grouping: streams, by: \.table)

        // 1. Per table: its manifests, its layout and its raw table (rows need the table, not the views).
        var prepared: [PreparedTable] = []
        var layouts: [String: RawTableLayout] = [:]
        var tableSummaries: [String: LoadSummary.TableSummary] = [:]
        for table in byTable.keys.sorted() {
            guard !options.shouldStop() else { break }
            let tableStreams = (byTable[table] ?? []).sorted()
            let mode = options.mode ?? configuration.options(forTable: table).mode
            var tableSummary = LoadSummary.TableSummary(table: configuration.rawTableID(forTable: table), mode: mode)
            let started = clock.now()
            do {
                // Read once per run, without the per-group control totals Load never uses (a GenTransaction
                // manifest holds about a megabyte of them per 100k rows). The same snapshot gives the layout and
                // the segments to send, so a segment sealed meanwhile waits for the next run.
                var manifests: [StreamID: [Manifest]] = [:]
                for stream in tableStreams { manifests[stream] = try log.manifests(of: stream, groupTotals: false) }
                guard let layout = try layout(table: table, streams: tableStreams, manifests: manifests) else {
                    continue
                }
                if !options.skipTableSetup { try tables.ensureRawTable(layout) }
                layouts[table] = layout
                prepared.append(
                    PreparedTable(table: table, streams: tableStreams, mode: mode, manifests: manifests, layout: layout)
                )
            } catch let error as SysproBQError {
                if error.code == .credentials { throw error }
                logger.error("Loading a table failed", metadata: ["bq.table": "\(table)", "error": "\(error)"])
                summary.failures.append(.init(table: table, stream: nil, error: error))
                tableSummary.elapsedSeconds = clock.now().timeIntervalSince(started)
                tableSummaries[table] = tableSummary
            }
        }

        // 2. The views (`<table>_current`, gl_trial_balance, the analytic views) on a second thread with its own
        // client while the rows are sent: no row depends on a view, and each view costs a round trip.
        let views: BackgroundWork<ViewOutcome>? =
            options.skipTableSetup ? nil : BackgroundWork("load-views") { [self] in try ensureViews(layouts: layouts) }

        // 3. The rows, table by table, stream by stream.
        for table in prepared {
            guard !options.shouldStop() else { break }
            var tableSummary = LoadSummary.TableSummary(
                table: configuration.rawTableID(forTable: table.table),
                mode: table.mode
            )
            let started = clock.now()
            for stream in table.streams {
                guard !options.shouldStop() else { break }
                do {
                    try load(
                        stream: stream,
                        manifests: table.manifests[stream] ?? [],
                        layout: table.layout,
                        mode: table.mode,
                        options: options,
                        into: &tableSummary
                    )
                } catch let error as SysproBQError {
                    if error.code == .credentials {
                        _ = try? views?.wait()
                        throw error
                    }
                    // One stream's failure (a 400, a locked journal) does not stop the other companies.
                    logger.error("Loading a stream failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
                    summary.failures.append(.init(table: table.table, stream: "\(stream)", error: error))
                }
            }
            tableSummary.elapsedSeconds = clock.now().timeIntervalSince(started)
            tableSummaries[table.table] = tableSummary
        }
        summary.tables = byTable.keys.sorted().compactMap { tableSummaries[$0] }
        var setup = LoadSummary.TableSummary(table: "(setup)", mode: .streaming)
        if let views {
            do {
                let outcome = try views.wait()
                summary.failures += outcome.failures
                setup.add(outcome.statistics)
            } catch let error as SysproBQError where error.code != .credentials {
                summary.failures.append(.init(table: "(views)", stream: nil, error: error))
            }
        }
        setup.add(client.statistics)
        summary.setupRequests = setup.requests
        summary.tokenFetches = authenticator.tokenFetches
        return summary
    }

    /// A table whose raw table is ready and whose rows are to be sent.
    private struct PreparedTable {
        let table: String
        let streams: [StreamID]
        let mode: TableOptions.Mode
        let manifests: [StreamID: [Manifest]]
        let layout: RawTableLayout
    }

    /// Creates or updates every view of the tables in `layouts`, with a client of its own (it runs on the view
    /// thread). A failed view is reported and the others go on; credential failures stop it.
    private func ensureViews(layouts: [String: RawTableLayout]) throws -> ViewOutcome {
        let client = try makeClient()
        let tables = TableManager(client: client)
        var failures: [LoadSummary.Failure] = []
        for table in layouts.keys.sorted() {
            guard let layout = layouts[table] else { continue }
            do {
                try ensureCurrentView(layout, tables: tables)
            } catch let error as SysproBQError {
                if error.code == .credentials { throw error }
                logger.error(
                    "Creating a current-state view failed",
                    metadata: ["bq.table": "\(table)", "error": "\(error)"]
                )
                failures.append(.init(table: table, stream: nil, error: error))
            }
        }
        do {
            try ensureTrialBalance(layouts: layouts, tables: tables)
        } catch let error as SysproBQError {
            // The rows are loaded; only the convenience view is missing. Report it with the tables.
            if error.code == .credentials { throw error }
            failures.append(.init(table: configuration.tablePrefix + "gl_trial_balance", stream: nil, error: error))
        }
        failures += try ensureAnalyticsViews(layouts: layouts, tables: tables)
        return ViewOutcome(failures: failures, statistics: client.statistics)
    }

    /// What the view thread did: the views that failed, and its requests.
    private struct ViewOutcome {
        var failures: [LoadSummary.Failure]
        var statistics: ClientStatistics
    }

    /// The raw-table layout of `table` from the newest schema of each stream, or `nil` when nothing is staged.
    /// `manifests` holds streams' manifests already read; the others are read here.
    func layout(table: String, streams: [StreamID], manifests: [StreamID: [Manifest]] = [:]) throws -> RawTableLayout? {
        var schemas: [StreamSchema] = []
        for stream in streams {
            guard let last = try (manifests[stream] ?? log.manifests(of: stream, groupTotals: false)).last else {
                continue
            }
            schemas.append(try log.schema(fingerprint: last.schemaFingerprint, stream: stream))
        }
        guard !schemas.isEmpty else { return nil }
        return try RawTableLayout(table: table, schemas: schemas, configuration: configuration)
    }

    private func ensureCurrentView(_ layout: RawTableLayout, tables: TableManager) throws {
        let raw = ViewSQL.tableReference(
            project: configuration.projectID,
            dataset: configuration.datasetID,
            table: layout.tableID
        )
        try tables.ensureView(
            layout.tableID + "_current",
            query: ViewSQL.currentState(raw: raw, keyColumns: layout.keyColumns)
        )
    }

    /// Creates `gl_trial_balance` when GenTransaction was loaded with the columns it needs; joins GenMaster when
    /// that was loaded too.
    private func ensureTrialBalance(layouts: [String: RawTableLayout], tables: TableManager) throws {
        let columns = ViewSQL.TrialBalanceColumns()
        func has(_ layout: RawTableLayout, _ names: [String]) -> Bool {
            let present = Set(layout.sourceColumns.map(\.name))
            return names.allSatisfy(present.contains)
        }
        guard let postings = layouts["GenTransaction"] else { return }
        guard has(postings, [columns.year, columns.period, columns.glCode, columns.entryValue]) else {
            logger.warning("GenTransaction lacks trial-balance columns; gl_trial_balance not created")
            return
        }
        func reference(_ layout: RawTableLayout) -> String {
            ViewSQL.tableReference(
                project: configuration.projectID,
                dataset: configuration.datasetID,
                table: layout.tableID + "_current"
            )
        }
        var master: String?
        if let accounts = layouts["GenMaster"],
            has(accounts, [columns.glCode, columns.description, columns.accountType])
        {
            master = reference(accounts)
        }
        let sql = ViewSQL.trialBalance(transactions: reference(postings), master: master, columns: columns)
        try tables.ensureView(configuration.tablePrefix + "gl_trial_balance", query: sql)
    }

    private func load(
        stream: StreamID,
        manifests: [Manifest],
        layout: RawTableLayout,
        mode: TableOptions.Mode,
        options: Options,
        into summary: inout LoadSummary.TableSummary
    ) throws {
        let journal = LoadJournal(log: log, stream: stream)
        let appender = try journal.openAppender()
        do {
            try load(
                stream: stream,
                manifests: manifests,
                journal: journal,
                appender: appender,
                layout: layout,
                mode: mode,
                options: options,
                into: &summary
            )
        } catch {
            try? appender.close()
            throw error
        }
        try appender.close()
    }

    private func load(
        stream: StreamID,
        manifests: [Manifest],
        journal: LoadJournal,
        appender: JournalAppender,
        layout: RawTableLayout,
        mode: TableOptions.Mode,
        options: Options,
        into summary: inout LoadSummary.TableSummary
    ) throws {
        let state = try journal.state()
        var pending = manifests.filter { !state.isLoaded($0.sequence) }
        if let limit = options.maxSegmentsPerStream { pending = Array(pending.prefix(limit)) }
        guard !pending.isEmpty else { return }
        logger.info(
            "Loading stream",
            metadata: ["stream": "\(stream)", "segments": "\(pending.count)", "bq.table": "\(layout.tableID)"]
        )
        switch mode {
        case .streaming:
            let work = pending.map {
                InsertAllPipeline.SegmentWork(
                    manifest: $0,
                    acknowledged: state.progress($0.sequence),
                    quarantined: state.quarantinedRows($0.sequence),
                    filter: nil,
                    markLoaded: true
                )
            }
            let report = try pipeline(layout: layout, options: options).run(
                work,
                journal: journal,
                appender: appender
            )
            summary.segmentsRead += report.segments
            summary.add(report.totals)
            summary.add(report.statistics)
        case .loadJob:
            let client = try makeClient()
            defer { summary.add(client.statistics) }
            let runner = LoadJobRunner(client: client, tableID: layout.tableID)
            for manifest in pending {
                guard !options.shouldStop() else { break }
                let path = try log.withReader(manifest) { $0.path }
                let status = try runner.load(manifest: manifest, path: path)
                try appender.append(
                    .segmentLoaded(
                        seq: manifest.sequence,
                        rows: manifest.rowCount,
                        quarantined: 0,
                        mode: .loadJob,
                        jobId: status.jobID
                    )
                )
                summary.segmentsRead += 1
                summary.segmentsLoaded += 1
                summary.rowsSent += Int(manifest.rowCount)
                summary.rowsAcknowledged += Int(manifest.rowCount)
                summary.jobIDs.append(status.jobID)
            }
        }
    }

    func pipeline(layout: RawTableLayout, options: Options) -> InsertAllPipeline {
        let configuration = self.configuration
        let authenticator = self.authenticator
        let clock = self.clock
        let logger = self.logger
        let makeTransport = self.makeTransport
        return InsertAllPipeline(
            configuration: configuration,
            layout: layout,
            log: log,
            logger: logger,
            shouldStop: options.shouldStop
        ) {
            BigQueryClient(
                configuration: configuration,
                transport: try makeTransport(),
                authenticator: authenticator,
                clock: clock,
                logger: logger
            )
        }
    }

    /// Runs a standard-SQL query (verification, reconciliation) and returns every row.
    public func query(_ request: QueryRequest) throws -> QueryResult {
        try QueryClient(client: try makeClient()).run(request)
    }

    /// Proves the credentials and the dataset: fetches a token and reads the dataset. For the CLI's `check`.
    public func check() throws {
        let client = try makeClient()
        _ = try client.call(client.jsonRequest(.get, client.paths.datasetURL), operation: "read dataset")
    }
}

extension LoadSummary {
    /// A table or stream that could not be loaded, and why.
    public struct Failure: Sendable, Hashable {
        /// The SYSPRO table (or view) concerned.
        public let table: String
        /// The stream (`company/table`) when only that stream failed; `nil` when the whole table did.
        public let stream: String?
        public let error: SysproBQError
    }
}
