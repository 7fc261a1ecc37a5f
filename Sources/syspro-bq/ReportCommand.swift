import ArgumentParser
import Common
import Foundation
import Operator
import Reconcile
import SegmentLog

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML audit report: rows per table and day, control totals, evidence chain.",
        discussion: """
            The page has no external assets (inline CSS and SVG). With --staging-only BigQuery is not queried and the \
            control-totals section says so. Exit 0 when written, 65 when reconciliation or the evidence chain failed.
            """
    )

    @Option(help: ArgumentHelp("Where to write the report.", valueName: "file"))
    var html: String

    @Flag(help: "Report from the staging log alone, without querying BigQuery.")
    var stagingOnly = false

    @Flag(help: "Do not read SYSPRO's GL period balances for the control totals.")
    var skipSyspro = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if html.isEmpty { throw ValidationError("--html must name a file") }
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let report: AuditReport
        let stamp = ISO8601DateFormatter().string(from: Date())
        if stagingOnly {
            let log = try StagingLogOpener.open(environment)
            report = try AuditReport.collect(log: log, reconciliation: nil, generatedAt: stamp)
        } else {
            let wiring = try ReconcileWiring(environment, readSyspro: !skipSyspro)
            let reconciliation = try wiring.reconciler().run(wiring.scope(table: nil, period: nil, dates: nil))
            report = try AuditReport.collect(log: wiring.log, reconciliation: reconciliation, generatedAt: stamp)
        }
        try FileSystem.writeAtomically(Array(report.renderHTML().utf8), to: html)
        print("wrote \(html)")
        let failed = (report.reconciliation.map { !$0.passed } ?? false) || !report.evidenceClean
        if failed { throw ExitCode(ExitCodes.dataError) }
    }
}

/// Opens the configured staging log without credentials.
enum StagingLogOpener {
    static func open(_ environment: CommandEnvironment) throws -> StagingLog {
        try StagingLog(root: environment.configuration.staging.directory, logger: environment.logger)
    }
}
