import Common
import Extract
import Logging
import Operator
import SegmentLog

/// The integration points between the operator side (configuration, credentials, locks, signals, summaries)
/// and the pipeline runners (Extract/Stage, Load, SegmentLog).
///
/// Each command does everything up to its runner — loads and checks the configuration, opens the credential
/// store, takes the staging locks, installs signal handling — and then calls one function here. The bodies below
/// are the integrator's to replace; until then each throws `internalError` "… not wired" (exit 70), so an
/// unfinished build can never look like a successful run.
///
/// Runners report per-stream counts through `context.recorder`, feed `context.progress`, log through
/// `context.logger`, poll `context.cancellation` between batches, and read secrets with
/// `context.credentials.secret(_:)`.
enum Pipeline {
    /// `extract`: SYSPRO → staging log for the selected streams.
    struct ExtractRequest: Sendable, Hashable {
        /// Empty means every enabled table.
        var tables: [String]
        /// `nil` means every configured company.
        var company: String?
        /// A business-date backfill window; `nil` means the live cursor.
        var window: Operator.BusinessDateRange?
    }

    /// `load`: staging log → BigQuery.
    struct LoadRequest: Sendable, Hashable {
        /// Empty means every table with unloaded segments.
        var tables: [String]
    }

    /// `replay`: re-send the sealed segments covering a business-date range, without touching SYSPRO.
    struct ReplayRequest: Sendable, Hashable {
        var table: String
        var company: String?
        var window: Operator.BusinessDateRange
        /// List what would be sent, send nothing.
        var dryRun: Bool
    }

    /// `verify`: prove the checksum chain of the staging log (or an archive).
    struct VerifyRequest: Sendable, Hashable {
        var table: String?
        var window: Operator.BusinessDateRange?
        /// Verify this archive directory instead of the staging directory.
        var archiveDirectory: String?
    }

    /// What `verify` found.
    struct VerifyResult: Sendable, Hashable {
        var segmentsChecked: Int
        /// One line per damaged, missing or reordered segment; empty when the evidence is intact.
        var problems: [String]
    }

    /// `archive`: move sealed, fully loaded segments older than `olderThanDays` to `destination`.
    struct ArchiveRequest: Sendable, Hashable {
        var olderThanDays: Int
        var destination: String
    }

    /// What `archive` moved.
    struct ArchiveResult: Sendable, Hashable {
        var segmentsMoved: Int
        var bytesMoved: Int64
    }

    /// One line of `check`.
    struct CheckResult: Sendable {
        enum Outcome: Sendable {
            /// The service answered 2xx and the thing checked works.
            case passed
            /// The thing does not exist yet and the next run creates it (a BigQuery dataset answering 404).
            case missing
            case failed(SysproBQError)
        }

        var name: String
        var outcome: Outcome
        var detail: String

        /// The row's first column: `ok`, `miss` or `FAIL`.
        var label: String {
            switch outcome {
            case .passed: return "ok  "
            case .missing: return "miss"
            case .failed: return "FAIL"
            }
        }

        var failure: SysproBQError? {
            if case .failed(let error) = outcome { return error }
            return nil
        }
    }

    /// Names of the tables `--table` may use: the configured ones, the catalog's, and the streams on disk.
    static func knownTableNames(_ configuration: Configuration) -> Set<String> {
        var names = Set(configuration.tables.map(\.name)).union(Catalog.builtIn.tables)
        let logger = Logger(label: "syspro-bq.tables", factory: { _ in SwiftLogNoOpLogHandler() })
        // Never create the staging directory here: a missing one means an unmounted disk (docs/operations.md).
        if FileSystem.isDirectory(configuration.staging.directory),
            let log = try? StagingLog(root: configuration.staging.directory, logger: logger),
            let streams = try? log.streams()
        {
            names.formUnion(streams.map(\.table))
        }
        return names
    }

    /// `check`: ping SYSPRO (logon, service, one row of every enabled table per company) and BigQuery (token,
    /// dataset) with the stored credentials.
    static func check(_ context: RunContext) throws(SysproBQError) -> [CheckResult] {
        var results: [CheckResult] = []
        for company in context.configuration.syspro.companies {
            results += CheckPipeline.syspro(context, company: company)
        }
        results += CheckBigQuery.rows(context)
        return results
    }

    /// `extract` and the extract half of `run`.
    static func extract(_ context: RunContext, _ request: ExtractRequest) throws(SysproBQError) {
        try ExtractPipeline.run(context, request)
    }

    /// `load` and the load half of `run`.
    static func load(_ context: RunContext, _ request: LoadRequest) throws(SysproBQError) {
        try LoadPipeline.run(context, request)
    }

    /// `replay`.
    static func replay(_ context: RunContext, _ request: ReplayRequest) throws(SysproBQError) {
        try LoadPipeline.replay(context, request)
    }

    /// `verify`. Needs no credentials: an auditor may verify a copied archive on another machine.
    static func verify(
        _ configuration: Configuration,
        logger: Logger,
        cancellation: CancellationFlag,
        _ request: VerifyRequest
    ) throws(SysproBQError) -> VerifyResult {
        try EvidencePipeline.verify(configuration, logger: logger, request)
    }

    /// `archive`, called with both staging locks held. Needs no credentials.
    static func archive(
        _ configuration: Configuration,
        logger: Logger,
        cancellation: CancellationFlag,
        _ request: ArchiveRequest
    ) throws(SysproBQError) -> ArchiveResult {
        try EvidencePipeline.archive(configuration, logger: logger, request)
    }

    /// `status`: per-stream lines (watermark, last extract and load, pending segments and rows, lag, last error).
    static func streamStatus(_ configuration: Configuration) throws(SysproBQError) -> [StatusReport.Stream] {
        try EvidencePipeline.streamStatus(configuration)
    }

    /// The staging log at the configured directory.
    static func openLog(_ configuration: Configuration, logger: Logger) throws(SysproBQError) -> StagingLog {
        // StagingLog creates a missing root; only `init` may. A missing directory is an unmounted disk or a wrong
        // path, and `verify` over an empty directory it just made would prove nothing while exiting 0.
        guard FileSystem.isDirectory(configuration.staging.directory) else {
            throw SysproBQError(
                .fileSystem,
                "staging directory \(configuration.staging.directory) does not exist",
                remedy: "check that its disk is mounted and [staging] directory is right, or run `syspro-bq init`",
                disposition: .needsHuman
            )
        }
        do {
            return try StagingLog(root: configuration.staging.directory, logger: logger)
        } catch {
            throw classify(error, doing: "opening the staging directory \(configuration.staging.directory)")
        }
    }

    /// Records `failure` against streams that failed before their runner could record them (no SYSPRO
    /// connection, no BigQuery token), so the summary and `status` name it per table.
    static func recordFailure(
        _ failure: SysproBQError,
        company: String,
        tables: [String],
        stage: RunSummary.Stage,
        _ context: RunContext
    ) {
        for table in tables {
            context.recorder.update(company: company, table: table, stage: stage) { stream in
                stream.errors += 1
                stream.error = failure.description
                stream.errorCode = failure.code.rawValue
            }
        }
    }

    /// Any error as a `SysproBQError`: ours pass through; anything else is an internal error naming the activity.
    static func classify(_ error: any Error, doing activity: String) -> SysproBQError {
        if let error = error as? SysproBQError { return error }
        return SysproBQError(.internalError, "\(activity): \(error)", disposition: .terminal)
    }
}
