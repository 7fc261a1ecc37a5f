import Foundation
import Testing

extension EndToEnd {
    /// With 10% of SYSPRO requests and 10% of BigQuery requests failing (429, 5xx, resets, truncated and
    /// malformed bodies, hangs), extract and load retry their way to the same exact result, and their JSON
    /// summaries count the retries.
    @Test(.timeLimit(.minutes(5)))
    func faultsOnBothSidesStillConverge() throws {
        let rig = try Rig(
            "faults",
            .init(
                simulatorFaultRate: 0.1,
                fakeFaultRate: 0.1,
                segmentMaxRows: 300,
                bigQuerySettings: ["batch_rows = 200"]
            )
        )
        defer { rig.remove() }
        var extractRetries = 0
        var loadRetries = 0
        var reruns: [String] = []
        var seen: [String: Set<String>] = [:]
        for round in 0...1 {
            if round > 0 { try rig.advance(steps: 40) }
            _ = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
            let extract = try Self.untilDone(rig, ["extract", "--json-summary"], reruns: &reruns)
            extractRetries += extract.retries
            let load = try Self.untilDone(rig, ["load", "--json-summary"], reruns: &reruns)
            loadRetries += load.retries
        }
        #expect(extractRetries > 0, "extract summaries counted no retries under a 10% SYSPRO fault rate")
        #expect(loadRetries > 0, "load summaries counted no retries under a 10% BigQuery fault rate")
        #expect(reruns.count <= 2, "too many runs gave up (exit 75) for a 10% fault rate: \(reruns)")
        try Self.expectEveryStagedRowLanded(rig, when: "with faults")
        let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
        // Deleted rows are found by the sweep, which this short test does not reach; tolerate exactly those.
        let tolerated = Self.tolerating(vanished, in: try rig.differences())
        Self.expectNoDifferences(tolerated, "with faults")
    }

    /// Runs a syspro-bq pass; a transient failure (exit 75) is rerun, as a scheduler would, up to 3 times.
    static func untilDone(_ rig: Rig, _ arguments: [String], reruns: inout [String]) throws -> RunSummary {
        var retries = 0
        for _ in 0..<4 {
            let result = try rig.command(arguments)
            if result.status == 0 {
                var summary = try RunSummary(result)
                summary.retries += retries
                return summary
            }
            guard result.status == 75 else { throw HarnessError("\(arguments[0]) failed: \(result)") }
            reruns.append("\(arguments[0]): \(result.stderr.split(separator: "\n").last ?? "")")
            if let summary = try? RunSummary(result) { retries += summary.retries }
        }
        throw HarnessError("\(arguments[0]) exited 75 four times in a row: \(reruns)")
    }
}
