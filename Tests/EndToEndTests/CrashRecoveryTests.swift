import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// SIGKILL at random instants of extract, then of load, each followed by a rerun: nothing is lost or
    /// invented (every staged row is in BigQuery, the current state equals SYSPRO's) and `verify` proves the
    /// staging log intact. E2E_KILL_TRIALS sets the number of kills of each kind (default 3).
    @Test(.timeLimit(.minutes(6)))
    func killedExtractsAndLoadsRecoverOnRerun() throws {
        let rig = try Rig(
            "kill",
            .init(segmentMaxRows: 150, bigQuerySettings: ["batch_rows = 100", "in_flight = 2"])
        )
        defer { rig.remove() }
        var generator = SystemRandomNumberGenerator()
        var seen: [String: Set<String>] = [:]
        var log: [String] = []

        // How long a whole extract takes here, to aim the kills inside it.
        var extractSeconds = 2.0
        var loadSeconds = 2.0
        for trial in 0..<Self.killTrials {
            _ = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
            if trial > 0 { try rig.advance(steps: 150) }
            let delay = Double.random(in: 0.05...max(0.1, extractSeconds), using: &generator)
            log.append(
                try Self.killAndRerun(rig, ["extract", "--json-summary"], after: delay, typical: &extractSeconds)
            )
        }
        try rig.load()
        for trial in 0..<Self.killTrials {
            _ = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
            try rig.advance(steps: 150)
            try rig.extract()
            let delay = Double.random(in: 0.05...max(0.1, loadSeconds), using: &generator)
            _ = trial
            log.append(try Self.killAndRerun(rig, ["load", "--json-summary"], after: delay, typical: &loadSeconds))
        }
        try rig.load()

        try Self.expectEveryStagedRowLanded(rig, when: "after kills (\(log.joined(separator: "; ")))")
        let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
        let differences = Self.tolerating(vanished, in: try rig.differences())
        Self.expectNoDifferences(differences, "after kills (\(log.joined(separator: "; ")))")
        let verify = try rig.command(["verify"])
        #expect(verify.status == 0, "verify after kills: \(verify)")
    }

    /// Starts `arguments`, SIGKILLs it after `delay` seconds (if it is still running), then reruns it to success.
    /// Updates `typical` with the rerun's duration. Returns one line for the failure message.
    static func killAndRerun(
        _ rig: Rig,
        _ arguments: [String],
        after delay: Double,
        typical: inout Double
    ) throws
        -> String
    {
        let child = try rig.start(arguments)
        let deadline = Date().addingTimeInterval(delay)
        while child.isRunning && Date() < deadline { usleep(5_000) }
        let killed = child.isRunning
        child.send(SIGKILL)
        let first = try child.wait(timeout: 60)
        rig.record(first)
        let started = Date()
        // The rerun may find the previous run's lock for a moment (flock is released when the process is gone).
        var rerun = try rig.command(arguments)
        if rerun.status == 73 {
            usleep(500_000)
            rerun = try rig.command(arguments)
        }
        guard rerun.status == 0 else { throw HarnessError("rerun after SIGKILL failed: \(rerun)") }
        typical = max(typical, Date().timeIntervalSince(started))
        return "\(arguments[0]) \(killed ? "killed" : "finished before the kill") at \(String(format: "%.2f", delay))s"
    }
}
