import Common
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The chaos harness behind `make chaos`: syspro-sim and fake-bigquery with faults on, `syspro-bq extract` and
/// `syspro-bq load` each in its own scheduler-like loop as concurrent processes, SIGKILLed at random instants,
/// the business advanced between rounds; then faults and business stop, a final extract and load run, and
/// ``ChaosAudit`` checks the result.
///
/// Deterministic given the seed in what it decides (data, fault draws per request order, kill delays, business
/// steps); process timing on a shared machine is not, so a rerun with the same seed explores the same plan, not
/// the same interleaving. Not thread-safe.
final class ChaosRun {
    let settings: ChaosSettings
    let rig: Rig
    private var random: ChaosRandom
    private let extract = ChaosSide("extract")
    private let load = ChaosSide("load")
    private(set) var report: ChaosReport
    /// The final pass's processes (no faults, no kills).
    private var finalRuns: [ChaosProcessRecord] = []

    init(_ settings: ChaosSettings) throws {
        self.settings = settings
        random = ChaosRandom(seed: settings.seed)
        let tables = SimulatorTables.names.map { "[tables.\($0)]\nsweep_every_runs = 3\n" }.joined(separator: "\n")
        rig = try Rig(
            "chaos",
            .init(
                companies: settings.companies,
                scale: settings.scale,
                seed: settings.seed,
                simulatorFaultRate: settings.simulatorFaultRate,
                fakeFaultRate: settings.bigQueryFaultRate,
                simulatorFaultKinds: ChaosSettings.simulatorFaultKinds,
                fakeFaultKinds: ChaosSettings.bigQueryFaultKinds,
                fakeHangSeconds: 2,
                tokenEarlyExpiry: ChaosSettings.tokenEarlyExpiry,
                dedupWindow: settings.dedupWindow,
                segmentMaxRows: settings.segmentMaxRows,
                extraConfiguration: tables,
                bigQuerySettings: ["batch_rows = 100", "in_flight = 2"]
            )
        )
        report = ChaosReport(settings: settings)
    }

    /// Records `failure` (the harness stopped early) and removes the run's temporary directory, unless there is a
    /// violation: then the directory is kept for inspection.
    func finish(_ failure: (any Error)?) {
        if let failure { report.violations.append("the harness stopped: \(failure)") }
        if report.violations.isEmpty {
            rig.remove()
        } else {
            rig.stop()
            report.notes.append("the run directory is kept for inspection: \(rig.root.path)")
        }
    }

    /// Runs the rounds, the final pass and the audit; the outcome is in ``report``.
    func run() throws {
        let began = Date()
        try rounds(began: began)
        try finalPass()
        try collectFigures()
        var audit = ChaosAudit(rig: rig, loads: load.records + finalRuns.filter { $0.command == "load" })
        try audit.check()
        report.audit = audit.figures
        report.violations += audit.violations
        report.seconds = Date().timeIntervalSince(began)
    }

    // MARK: Rounds

    private func rounds(began: Date) throws {
        var roundKills = 0
        var stopping = false
        var expireTokensAt: Date?
        report.rounds = 1
        while true {
            for side in [extract, load] {
                if let record = try side.poll(bigQueryFaults: { try self.bigQueryFaultTotal() }) {
                    if record.killed { roundKills += 1 }
                    noteIfUnexpected(record)
                }
                if side.isIdle && !stopping {
                    try side.start(rig, random: &random, bigQueryFaults: side === load ? bigQueryFaultTotal() : 0)
                    if side === load && Double.random(in: 0...1, using: &random) < 0.3 {
                        expireTokensAt = Date().addingTimeInterval(
                            Double.random(in: 0...max(0.1, side.typicalSeconds), using: &random)
                        )
                    }
                }
            }
            // Every access token issued so far stops working at a random instant of some loads.
            if let at = expireTokensAt, Date() >= at {
                expireTokensAt = nil
                if !load.isIdle {
                    try rig.http(.post, fakeURL("/_fake/expire-tokens"))
                    report.tokenExpiries += 1
                }
            }
            let total = extract.kills + load.kills
            if !stopping && (roundKills >= settings.killsPerRound || total >= settings.kills) {
                stopping = true
            }
            if !stopping && Date().timeIntervalSince(began) > settings.maxSeconds && total < settings.kills {
                report.violations.append(
                    "time budget of \(Int(settings.maxSeconds))s spent after \(total) of \(settings.kills) kills"
                )
                stopping = true
            }
            if stopping && extract.isIdle && load.isIdle {
                if total >= settings.kills || Date().timeIntervalSince(began) > settings.maxSeconds { break }
                // Between rounds the business moves on.
                let steps = Int.random(in: settings.stepsPerRound, using: &random)
                try rig.advance(steps: steps)
                report.businessSteps += steps
                report.rounds += 1
                roundKills = 0
                stopping = false
            }
            usleep(5_000)
        }
    }

    /// A run that ended by itself with anything but success or "retry later", or that had to be stopped.
    private func noteIfUnexpected(_ record: ChaosProcessRecord) {
        if record.killed { return }
        if record.signalled {
            report.violations.append(
                "\(record.command) did not end within \(Int(ChaosSide.runTimeout))s and was stopped: "
                    + record.stderrTail.suffix(1_500)
            )
        } else if record.status == 69 && record.command == "extract" && record.stderrTail.contains("an HTML page") {
            // By design an HTML page in place of OData JSON needs a human (a login or proxy page does not go away
            // by retrying), so the simulator's html200 fault stops the run with 69; nothing staged is lost.
            report.htmlPageStops += 1
        } else if record.status != 0 && record.status != 75 {
            report.violations.append(
                "\(record.command) exited \(record.status) under faults (only 0 or 75 are expected): "
                    + record.stderrTail.suffix(1_500)
            )
        }
    }

    // MARK: The final pass

    /// Faults off, the business stopped, every table swept: one extract and one load bring BigQuery level with
    /// SYSPRO.
    private func finalPass() throws {
        try rig.http(.post, "http://127.0.0.1:\(rig.simulatorPort)/_sim/faults?rate=0")
        try rig.http(.post, fakeURL("/_fake/faults?rate=0"))
        // A sweep re-reads whole tables and tombstones every key SYSPRO deleted, which incremental reads miss.
        let configuration = try String(contentsOf: rig.configPath, encoding: .utf8)
        try Data(
            configuration.replacingOccurrences(of: "sweep_every_runs = 3", with: "sweep_every_runs = 1").utf8
        ).write(to: rig.configPath)
        for command in ["extract", "load"] {
            let started = Date()
            let result = try rig.command([command, "--json-summary"])
            finalRuns.append(
                ChaosProcessRecord(
                    command: command,
                    started: started,
                    ended: Date(),
                    killed: false,
                    status: result.status,
                    signalled: result.signalled,
                    stderrTail: String(result.stderr.suffix(3_000))
                )
            )
            guard result.status == 0 else {
                report.violations.append(
                    "the final \(command) (no faults) exited \(result.status): \(result.stderr.suffix(1_500))"
                )
                throw HarnessError("final \(command) failed: \(result)")
            }
            if let summary = try? RunSummary(result) {
                if command == "extract" {
                    report.finalExtractRows = summary.rows
                } else {
                    report.finalLoadRows = summary.rows
                }
            }
        }
    }

    // MARK: Figures

    private func collectFigures() throws {
        report.extractRuns = extract.records
        report.loadRuns = load.records
        report.simulatorFaults = try Self.counts(
            try rig.http(.get, "http://127.0.0.1:\(rig.simulatorPort)/_sim/stats"),
            "faults"
        )
        let fakeStats = try rig.http(.get, fakeURL("/_fake/stats"))
        report.bigQueryFaults = try Self.counts(fakeStats, "faultsInjected")
        let object = try JSONSerialization.jsonObject(with: Data(fakeStats.utf8)) as? [String: Any] ?? [:]
        report.tokenRejections = (object["unauthenticated"] as? NSNumber)?.intValue ?? 0
        report.tokensIssued = (object["tokensIssued"] as? NSNumber)?.intValue ?? 0
    }

    private func bigQueryFaultTotal() throws -> Int {
        try Self.counts(try rig.http(.get, fakeURL("/_fake/stats")), "faultsInjected").values.reduce(0, +)
    }

    private func fakeURL(_ path: String) -> String { "http://127.0.0.1:\(rig.fakePort)\(path)" }

    /// The `{kind: count}` object `key` of a stats document.
    static func counts(_ json: String, _ key: String) throws -> [String: Int] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let counts = object[key] as? [String: Any]
        else { throw HarnessError("no \(key) in stats: \(json.prefix(500))") }
        return counts.compactMapValues { ($0 as? NSNumber)?.intValue }
    }
}
