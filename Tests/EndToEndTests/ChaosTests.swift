import Foundation
import Testing

/// `make chaos`: extract and load as concurrent, randomly SIGKILLed processes against SYSPRO and BigQuery fakes
/// that inject faults, then a final pass and an audit (``ChaosRun``, ``ChaosAudit``). Without `CHAOS_KILLS` this
/// is the 20-kill smoke run that `make test` includes; `make chaos` runs 500. Settings: ``ChaosSettings``.
@Suite("Chaos", .serialized)
struct ChaosTests {
    /// However extract and load are killed and faulted, once faults and business stop a final extract and load
    /// make every current view equal SYSPRO's truth, `verify` passes, the journal accounts for every staged row
    /// and no row is duplicated beyond what the journal allows.
    @Test(.timeLimit(.minutes(40)))
    func killedAndFaultedPipelineConvergesOnTheTruth() throws {
        let settings = try ChaosSettings(environment: ProcessInfo.processInfo.environment)
        print("Chaos run starting: \(settings)")
        let chaos = try ChaosRun(settings)
        var failure: (any Error)?
        do {
            try chaos.run()
        } catch {
            failure = error
        }
        chaos.finish(failure)
        let report = chaos.report
        print(report.description)
        if let path = settings.reportPath {
            try Data((report.description + "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
        #expect(report.kills >= settings.kills, "only \(report.kills) of \(settings.kills) kills happened")
        #expect(report.violations.isEmpty, Comment(rawValue: report.description))
    }
}
