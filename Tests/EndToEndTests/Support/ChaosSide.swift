import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One finished `syspro-bq extract` or `load` process of a chaos run.
struct ChaosProcessRecord {
    var command: String
    var started: Date
    var ended: Date
    /// True when the harness's SIGKILL ended it (not when it finished just before the signal).
    var killed: Bool
    /// The exit status, or the signal number when `signalled`.
    var status: Int32
    var signalled: Bool
    /// From its `--json-summary`, when it printed one.
    var retries = 0
    var rows = 0
    /// fake-bigquery faults injected while it ran (load only: extract never calls BigQuery).
    var bigQueryFaults = 0
    var stderrTail: String
}

/// One side of the pipeline run as a scheduler would: a loop that starts the next `syspro-bq <command>` as soon
/// as the previous one has ended, here with a SIGKILL at a random instant of most runs.
///
/// Not thread-safe: the chaos loop polls both sides from one thread.
final class ChaosSide {
    let command: String
    private(set) var child: ChildProcess?
    private var started = Date()
    private var killAt: Date?
    private var faultsAtStart = 0
    /// A run the harness does not kill must end within this many seconds.
    static let runTimeout = 240.0
    /// Fraction of runs given a kill instant; the others run to their end, so progress is made too.
    static let killProbability = 0.85
    /// The length of a recent unkilled run, seconds: kill instants are drawn up to it.
    private(set) var typicalSeconds = 1.5
    private(set) var records: [ChaosProcessRecord] = []

    init(_ command: String) { self.command = command }

    var isIdle: Bool { child == nil }
    var kills: Int { records.filter(\.killed).count }

    /// Starts the next run, drawing whether and when to kill it.
    func start(_ rig: Rig, random: inout ChaosRandom, bigQueryFaults: Int) throws {
        precondition(child == nil, "a \(command) is still running")
        let delay =
            Double.random(in: 0...1, using: &random) < Self.killProbability
            ? Double.random(in: 0.01...max(0.05, typicalSeconds), using: &random) : nil
        started = Date()
        killAt = delay.map { started.addingTimeInterval($0) }
        faultsAtStart = bigQueryFaults
        child = try rig.start([command, "--json-summary"])
    }

    /// Kills the run when its instant has come, or collects it when it has ended; returns the finished record.
    ///
    /// - Parameter bigQueryFaults: fake-bigquery's fault count now (read only when the run has ended).
    func poll(bigQueryFaults: () throws -> Int) throws -> ChaosProcessRecord? {
        guard let child else { return nil }
        let now = Date()
        var sentKill = false
        if child.isRunning {
            if let killAt, now >= killAt {
                child.send(SIGKILL)
                sentKill = true
            } else if now.timeIntervalSince(started) > Self.runTimeout {
                child.send(SIGKILL)
                sentKill = true
                killAt = nil
            } else {
                return nil
            }
        }
        let result = try child.wait(timeout: 60)
        self.child = nil
        let killed = sentKill && killAt != nil && result.signalled && result.status == SIGKILL
        var record = ChaosProcessRecord(
            command: command,
            started: started,
            ended: Date(),
            killed: killed,
            status: result.status,
            signalled: result.signalled,
            stderrTail: String(result.stderr.suffix(3_000))
        )
        if command == "load" { record.bigQueryFaults = max(0, try bigQueryFaults() - faultsAtStart) }
        if !result.signalled, let summary = try? RunSummary(result) {
            record.retries = summary.retries
            record.rows = summary.rows
        }
        if !killed && !result.signalled && result.status == 0 {
            typicalSeconds = max(0.3, 0.5 * typicalSeconds + 0.5 * result.seconds)
        }
        records.append(record)
        return record
    }
}
