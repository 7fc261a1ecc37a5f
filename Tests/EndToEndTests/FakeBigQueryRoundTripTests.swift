import Foundation
import Testing

extension EndToEnd {
    /// Stage's default sweep interval (StageOptions.sweepEveryRuns): every 12th run of a rowversion or
    /// business-date stream re-reads the whole table and writes tombstones for vanished keys. The configuration
    /// has no key for it, so the tests count runs to make their final round a sweep.
    static let sweepEveryRuns = 12

    /// After the first extract and load, and after each of several rounds of SYSPRO changes, fake-bigquery's raw
    /// tables hold exactly the staged rows, and their latest row per key equals the simulator's truth, value for
    /// value; rows SYSPRO deleted are tombstoned by the final (sweeping) round.
    @Test(.timeLimit(.minutes(5)))
    func fakeBigQueryMatchesSimulatorAcrossRounds() throws {
        let rig = try Rig("fake-rounds", .init(companies: ["A", "B"], segmentMaxRows: 400))
        defer { rig.remove() }
        try rig.extract()
        try rig.load()
        try Self.expectEveryStagedRowLanded(rig, when: "first load")
        Self.expectNoDifferences(try rig.differences(), "first load")

        // Every key SYSPRO ever had while the test watched, to tell deleted keys from wrong ones.
        var seen = try Self.truthKeys(rig)
        var extracts = 1
        // Rounds of changes; deletes are not expected in BigQuery until the sweep, so they are tolerated here.
        for round in 1...2 {
            try rig.advance(steps: 60)
            try rig.extract()
            extracts += 1
            try rig.load()
            let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
            let differences = try rig.differences().map { difference -> StateDifference in
                var d = difference
                let gone = vanished["\(d.company)/\(d.table)"] ?? []
                d.extraKeys.removeAll { gone.contains($0) }
                return d
            }
            Self.expectNoDifferences(differences, "round \(round) (before the sweep)")
        }
        // Runs with no changes, up to the run before the sweep.
        while extracts < Self.sweepEveryRuns {
            try rig.extract()
            extracts += 1
        }
        try rig.advance(steps: 60)
        let summary = try rig.extract()
        try rig.load()
        let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
        #expect(
            vanished.values.map(\.count).reduce(0, +) > 0,
            "the simulator deleted nothing: the test proves nothing about deletes"
        )
        #expect(
            summary.raw.contains("\"sweep\"") || summary.raw.contains("tombstone"),
            "run \(extracts + 1) did not sweep: \(summary.raw)"
        )
        try Self.expectEveryStagedRowLanded(rig, when: "after the sweep")
        Self.expectNoDifferences(try rig.differences(), "after the sweep")
        try Self.expectTombstones(rig, for: vanished)
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
