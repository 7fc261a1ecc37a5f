import Foundation
import Testing

extension EndToEnd {
    /// Replaying a month of GenTransaction twice re-sends its rows (fake-bigquery keeps the copies: its dedup
    /// window is off) and leaves every current state exactly as it was.
    @Test(.timeLimit(.minutes(4)))
    func replayingAMonthTwiceChangesNoCurrentState() throws {
        let rig = try Rig("replay", .init(dedupWindow: 0, segmentMaxRows: 200))
        defer { rig.remove() }
        try rig.extract()
        try rig.load()
        try rig.advance(steps: 40)
        try rig.extract()
        try rig.load()

        let (from, to) = try Self.busiestMonth(rig, company: "A", table: "GenTransaction", column: "JnlDate")
        let before = try Self.currentStates(rig)
        let rawBefore = try rig.fakeRows("GenTransaction").count
        let dryRun = try rig.mustSucceed([
            "replay", "--table", "GenTransaction", "--from", from, "--to", to, "--dry-run",
        ])
        #expect(try rig.fakeRows("GenTransaction").count == rawBefore, "--dry-run sent rows: \(dryRun)")
        for _ in 1...2 {
            try rig.mustSucceed(["replay", "--table", "GenTransaction", "--from", from, "--to", to, "--json-summary"])
        }
        let rawAfter = try rig.fakeRows("GenTransaction").count
        #expect(rawAfter > rawBefore, "replaying \(from)...\(to) twice sent no rows")
        let after = try Self.currentStates(rig)
        for (table, state) in before {
            #expect(
                after[table]?.rows == state.rows,
                "\(table)'s current state changed after replaying \(from)...\(to)"
            )
        }
        Self.expectNoDifferences(try rig.differences(tables: ["GenTransaction"]), "after two replays")
    }

    /// The month (first and last day) in which most current rows of `table` fall by `column`.
    static func busiestMonth(_ rig: Rig, company: String, table: String, column: String) throws -> (String, String) {
        var counts: [String: Int] = [:]
        for row in try rig.truth(company, table) {
            guard let date = row[column]?.text, date.count >= 7 else { continue }
            counts[String(date.prefix(7)), default: 0] += 1
        }
        guard let month = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else {
            throw HarnessError("\(table) has no \(column) values")
        }
        let parts = month.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1))!
        let days = calendar.range(of: .day, in: .month, for: first)!.count
        return ("\(month)-01", "\(month)-\(String(format: "%02d", days))")
    }

    /// The latest-row-per-key state of every table in fake-bigquery, per "company/table".
    static func currentStates(_ rig: Rig) throws -> [String: CurrentState] {
        var states: [String: CurrentState] = [:]
        for table in SimulatorTables.names {
            let raw = try rig.fakeRows(table)
            for company in rig.options.companies {
                states["\(company)/\(table)"] = try CurrentState(
                    raw: raw,
                    company: company,
                    keyColumns: SimulatorTables.keyColumns[table]!
                )
            }
        }
        return states
    }
}
