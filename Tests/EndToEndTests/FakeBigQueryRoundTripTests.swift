import Foundation
import Testing

extension EndToEnd {
    /// The tables whose rows the simulator deletes (voids), and how often the tests make them sweep:
    /// `[tables.X] sweep_every_runs = 3` makes the 4th extract (runs 0, 1, 2, then 3) re-read them whole and
    /// tombstone every key that vanished. Incremental (rowversion) reads cannot see a delete.
    static let tablesWithDeletes = ["ApInvoice", "ArInvoice", "PorMasterDetail"]
    static let sweepEveryRuns = 3

    /// `[tables.X] sweep_every_runs` for the tables with deletes.
    static var sweepConfiguration: String {
        tablesWithDeletes.map { "[tables.\($0)]\nsweep_every_runs = \(sweepEveryRuns)\n" }.joined(separator: "\n")
    }

    /// The SYSPRO interface a round-trip test reads through.
    enum SysproInterface: String, CaseIterable, CustomTestStringConvertible {
        case odata
        /// e.net with its quirks on: lower-case element names, comma-edited numbers with unedited twins, and
        /// sessions that expire every five calls (the client logs on again).
        case enet

        var testDescription: String { rawValue }
    }

    /// After the first extract and load, and after each of several rounds of SYSPRO changes, fake-bigquery's raw
    /// tables hold exactly the staged rows, and their latest row per key equals the simulator's truth, value for
    /// value; rows SYSPRO deleted are tombstoned by the final round, which sweeps. Through OData and through e.net.
    @Test(.timeLimit(.minutes(5)), arguments: SysproInterface.allCases)
    func fakeBigQueryMatchesSimulatorAcrossRounds(_ interface: SysproInterface) throws {
        var options = Rig.Options(
            companies: ["A", "B"],
            segmentMaxRows: 400,
            extraConfiguration: Self.sweepConfiguration
        )
        if interface == .enet {
            // Without a rowversion, GL postings are found by posting date: the simulator posts into October while
            // it is December, so the look-back must span the open periods (docs/configuration.md).
            options.extraConfiguration += ["GenTransaction", "GenJournalDetail"].map {
                "\n[tables.\($0)]\nlook_back_days = 120\n"
            }.joined()
            options.enet = true
            options.simulatorArguments = ["--enet-lowercase", "--enet-edited-numbers", "--session-max-calls", "5"]
        }
        let rig = try Rig("fake-rounds-\(interface.rawValue)", options)
        defer { rig.remove() }
        try rig.extract()
        try rig.load()
        try Self.expectEveryStagedRowLanded(rig, when: "first load")
        Self.expectNoDifferences(try rig.differences(), "first load")

        // Every key SYSPRO ever had while the test watched, to tell deleted keys from wrong ones.
        var seen = try Self.truthKeys(rig)
        // Rounds of changes before the sweep: deleted keys may still be in BigQuery, and only those.
        for round in 1..<Self.sweepEveryRuns {
            try rig.advance(steps: 60)
            try rig.extract()
            try rig.load()
            let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
            Self.expectNoDifferences(
                Self.tolerating(vanished, in: try rig.differences()),
                "round \(round) (before the sweep)"
            )
        }
        try rig.advance(steps: 60)
        let summary = try rig.extract()
        try rig.load()
        let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
        #expect(
            vanished.values.map(\.count).reduce(0, +) > 0,
            "the simulator deleted nothing: the test proves nothing about deletes"
        )
        // e.net cannot read the rowversion, so those tables are snapshots there: deletes show on every run.
        #expect(
            interface == .enet || summary.log.contains("extract.mode=sweep"),
            "the final extract did not sweep: \(summary.log.suffix(3_000))"
        )
        #expect(summary.tombstones > 0, "the sweeping extract wrote no tombstones: \(summary.log.suffix(3_000))")
        try Self.expectEveryStagedRowLanded(rig, when: "after the sweep")
        Self.expectNoDifferences(try rig.differences(), "after the sweep")
        try Self.expectTombstones(rig, for: vanished)
    }

    /// The differences with every key that SYSPRO deleted no longer counted as extra (for runs before a sweep).
    static func tolerating(_ vanished: [String: Set<String>], in differences: [StateDifference]) -> [StateDifference] {
        differences.map { difference in
            var d = difference
            let gone = vanished["\(d.company)/\(d.table)"] ?? []
            d.extraKeys.removeAll { gone.contains($0) }
            return d
        }
    }

    /// Adds `now` to `seen` and returns the keys seen once and absent `now`, per "company/table".
    static func vanished(since seen: inout [String: Set<String>], now: [String: Set<String>]) -> [String: Set<String>] {
        seen.merge(now) { $0.union($1) }
        return seen.reduce(into: [:]) { result, entry in
            let gone = entry.value.subtracting(now[entry.key] ?? [])
            if !gone.isEmpty { result[entry.key] = gone }
        }
    }

    /// The latest raw row of every vanished key is a tombstone (`_deleted` true, key columns kept).
    static func expectTombstones(_ rig: Rig, for vanished: [String: Set<String>]) throws {
        for (stream, keys) in vanished {
            let parts = stream.split(separator: "/").map(String.init)
            let (company, table) = (parts[0], parts[1])
            let columns = SimulatorTables.keyColumns[table]!
            var latest: [String: (Int, Int, Row)] = [:]
            for row in try rig.fakeRows(table) where row["_company"]?.text == company {
                let key = CurrentState.key(row, columns)
                guard keys.contains(key), let s = row["_segment"]?.text.flatMap({ Int($0) }),
                    let l = row["_line"]?.text.flatMap({ Int($0) })
                else { continue }
                if let current = latest[key], (current.0, current.1) >= (s, l) { continue }
                latest[key] = (s, l, row)
            }
            for key in keys {
                #expect(
                    latest[key]?.2["_deleted"] == .bool(true),
                    "\(stream) [\(key)] vanished from SYSPRO but has no tombstone"
                )
            }
        }
    }
}
