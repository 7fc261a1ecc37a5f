import Foundation

/// The figures of one chaos run and its violations, rendered for people (the test prints it; `CHAOS_REPORT`
/// writes it to a file for docs/reliability.md).
struct ChaosReport: CustomStringConvertible {
    let settings: ChaosSettings
    var rounds = 0
    var businessSteps = 0
    var extractRuns: [ChaosProcessRecord] = []
    var loadRuns: [ChaosProcessRecord] = []
    var simulatorFaults: [String: Int] = [:]
    var bigQueryFaults: [String: Int] = [:]
    /// API calls fake-bigquery refused for an expired or missing token (the loads then fetched a new one).
    var tokenRejections = 0
    var tokensIssued = 0
    /// Times the harness made every issued token expire while a load ran.
    var tokenExpiries = 0
    /// Extracts that stopped with 69 on an injected HTML 200 page (by design: an HTML page needs a human).
    var htmlPageStops = 0
    var finalExtractRows = 0
    var finalLoadRows = 0
    var audit = ChaosAudit.Figures()
    var seconds = 0.0
    var violations: [String] = []
    var notes: [String] = []

    var kills: Int { extractRuns.filter(\.killed).count + loadRuns.filter(\.killed).count }

    var description: String {
        func runs(_ records: [ChaosProcessRecord]) -> String {
            let killed = records.filter(\.killed).count
            let succeeded = records.filter { !$0.killed && !$0.signalled && $0.status == 0 }.count
            let retryLater = records.filter { !$0.killed && !$0.signalled && $0.status == 75 }.count
            return "\(records.count) runs: \(killed) SIGKILLed, \(succeeded) exited 0, \(retryLater) exited 75, "
                + "\(records.count - killed - succeeded - retryLater) other"
        }
        func counts(_ counts: [String: Int]) -> String {
            "\(counts.values.reduce(0, +)) ("
                + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ") + ")"
        }
        let a = audit
        var lines = [
            "Chaos run, seed \(settings.seed): \(violations.isEmpty ? "0 violations" : "\(violations.count) VIOLATIONS")",
            "  settings: \(settings)",
            "  duration: \(String(format: "%.0f", seconds)) s; \(rounds) rounds, \(businessSteps) business steps",
            "  kills: \(kills) (extract \(extractRuns.filter(\.killed).count), load \(loadRuns.filter(\.killed).count))",
            "  extract: \(runs(extractRuns)); \(htmlPageStops) of the other stopped with 69 on an HTML 200 page",
            "  load: \(runs(loadRuns))",
            "  faults injected by syspro-sim: \(counts(simulatorFaults))",
            "  faults injected by fake-bigquery: \(counts(bigQueryFaults)); tokens expired \(tokenExpiries) times "
                + "mid-load, \(tokenRejections) calls refused for an expired token, \(tokensIssued) tokens issued",
            "  retries counted in run summaries: extract \(extractRuns.map(\.retries).reduce(0, +)), load "
                + "\(loadRuns.map(\.retries).reduce(0, +))",
            "  rows: \(a.stagedRows) staged in \(a.segments) segments over \(a.streams) streams (\(a.tombstones) "
                + "tombstones, \(a.quarantinedRows) quarantined); \(a.rawRows) raw rows in BigQuery (\(a.duplicates) "
                + "duplicate copies, at most \(a.mostCopies) of one row; \(a.rowsAcknowledgedTwice) rows "
                + "acknowledged twice); \(a.truthRows) SYSPRO rows and \(a.comparedValues) values compared",
            "  final pass: extract \(finalExtractRows) rows, load \(finalLoadRows) rows; verify exit "
                + "\(a.verifyStatus); \(a.tornJournalLines) torn journal lines left by kills",
        ]
        lines += notes.map { "  note: \($0)" }
        lines += violations.map { "  VIOLATION: \($0)" }
        if !violations.isEmpty {
            lines.append("  reproduce: CHAOS_SEED=\(settings.seed) CHAOS_KILLS=\(settings.kills) make chaos")
        }
        return lines.joined(separator: "\n")
    }
}
