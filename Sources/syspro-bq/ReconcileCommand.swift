import ArgumentParser
import Common
import Foundation
import Load
import Logging
import Operator
import Reconcile
import SegmentLog

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare the staged control totals with BigQuery: counts, sums, journals, trial balance, keys.",
        discussion: """
            Per table and segment: staged row counts and exact amount sums against the raw tables; for GenTransaction \
            the debit/credit totals per journal and per (year, period, account), journal balance and gl_trial_balance; \
            gl_trial_balance per (year, period, account) against SYSPRO's own period balances (GenHistory, read from \
            SYSPRO now); no key twice in a current-state view. Exit 0 when everything agrees, 65 on any difference. \
            See docs/reconciliation.md.
            """
    )

    @Option(help: ArgumentHelp("Only this table.", valueName: "table"))
    var table: String?

    @Option(help: ArgumentHelp("Only this GL financial period (GL checks).", valueName: "YYYY-PP"))
    var period: String?

    @OptionGroup var dates: DateRangeOptions

    @Flag(help: "Print the findings as JSON.")
    var json = false

    @Flag(help: "Do not read SYSPRO's GL period balances; compare the staging log with BigQuery only.")
    var skipSyspro = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let period, !ReconcileScope.isPeriod(period) { throw ValidationError("--period must be YYYY-PP") }
        if period != nil, dates.range != nil { throw ValidationError("use --period or --from/--to, not both") }
        try dates.check(required: false)
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let wiring = try ReconcileWiring(environment, readSyspro: !skipSyspro)
        let window = try dates.range.map { try SegmentLog.BusinessDateRange(min: "\($0.from)", max: "\($0.to)") }
        let report = try wiring.reconciler().run(wiring.scope(table: table, period: period, dates: window))
        print(json ? try report.renderJSON() : report.renderTable(), terminator: "")
        if !report.passed { throw ExitCode(ExitCodes.dataError) }
    }
}

/// Builds the staging log, the BigQuery query path and the scope from the configuration and credentials.
struct ReconcileWiring {
    let environment: CommandEnvironment
    let log: StagingLog
    let runner: LoadRunner
    /// Reads SYSPRO's GenHistory for a company; `nil` when SYSPRO is not to be asked.
    let sysproBalances: Reconciler.SysproBalances?

    /// - Parameter readSyspro: read SYSPRO's GL period balances for the GL check (needs the SYSPRO credentials).
    init(_ environment: CommandEnvironment, readSyspro: Bool) throws {
        self.environment = environment
        let configuration = environment.configuration
        log = try StagingLog(root: configuration.staging.directory, logger: environment.logger)
        let credentials = try environment.openCredentials()
        if readSyspro {
            let context = RunContext(
                configuration: configuration,
                configurationName: environment.configurationName,
                credentials: credentials,
                logger: environment.logger,
                cancellation: CancellationFlag(),
                progress: ProgressLine(),
                recorder: RunRecorder(),
                runID: RunID.make(at: Date()),
                startedAt: Date()
            )
            sysproBalances = { try SysproGLHistory.read(context, company: $0) }
        } else {
            sysproBalances = nil
        }
        guard let project = configuration.bigQuery.project, let dataset = configuration.bigQuery.dataset else {
            throw SysproBQError(
                .configuration,
                "[bigquery] project and dataset must be set to reconcile",
                remedy: "set bigquery.project and bigquery.dataset in \(environment.configurationName)",
                disposition: .needsHuman
            )
        }
        let key = try credentials.secret(.serviceAccount).withBytes { Array($0) }
        runner = try LoadRunner(
            configuration: BigQueryConfiguration(
                projectID: project,
                datasetID: dataset,
                location: configuration.bigQuery.location,
                apiBaseURL: configuration.bigQuery.apiURL,
                tokenURI: configuration.bigQuery.tokenURI,
                allowInsecureLocalEndpoints: configuration.bigQuery.allowInsecureLocalEndpoints,
                tablePrefix: configuration.bigQuery.tablePrefix
            ),
            serviceAccountKeyJSON: key,
            log: log,
            logger: environment.logger,
            makeTransport: { try CurlHTTPClient() }
        )
    }

    func scope(table: String?, period: String?, dates: SegmentLog.BusinessDateRange?) -> ReconcileScope {
        ReconcileScope(
            project: runner.configuration.projectID,
            dataset: runner.configuration.datasetID,
            tablePrefix: runner.configuration.tablePrefix,
            table: table,
            period: period,
            dates: dates
        )
    }

    func reconciler() -> Reconciler {
        let runner = self.runner
        return Reconciler(log: log, logger: environment.logger, sysproBalances: sysproBalances) {
            try runner.query($0)
        }
    }
}
