import Foundation
import Testing

/// The end-to-end tests: built binaries (syspro-sim, syspro-bq, fake-bigquery) and bqemulator, on 127.0.0.1.
///
/// Serialized: each test starts its own servers, and on a 2-core machine running them side by side only makes
/// each slower. Each scenario lives in its own file as an extension of this suite.
@Suite("End to end", .serialized)
struct EndToEnd {
    /// Fails the test with every difference between BigQuery and SYSPRO, one block per (company, table).
    static func expectNoDifferences(_ differences: [StateDifference], _ when: String) {
        let failing = differences.filter { !$0.isEmpty }
        #expect(
            failing.isEmpty,
            Comment(
                rawValue: "\(when): \(failing.count) of \(differences.count) streams differ\n"
                    + failing.map(\.description).joined(separator: "\n")
            )
        )
        #expect(differences.allSatisfy { $0.comparedRows > 0 }, "\(when): a stream had no rows to compare")
    }

    /// Every row staged for `table` landed in fake-bigquery's raw table, and nothing else did: the same set
    /// of insert ids on both sides.
    static func expectEveryStagedRowLanded(_ rig: Rig, when: String) throws {
        for table in SimulatorTables.names {
            let landed = Set(try rig.fakeRows(table).compactMap { $0["_insert_id"]?.text })
            var staged = Set<String>()
            for company in rig.options.companies {
                staged.formUnion(try rig.stagedRows(company, table).compactMap { $0["_insert_id"]?.text })
            }
            #expect(!staged.isEmpty, "\(when): nothing staged for \(table)")
            #expect(
                staged == landed,
                Comment(
                    rawValue: "\(when): \(table): \(staged.subtracting(landed).count) staged rows not in BigQuery, "
                        + "\(landed.subtracting(staged).count) rows in BigQuery that were never staged"
                )
            )
        }
    }

    /// The keys of every table and company, for telling which rows a simulator step deleted.
    static func truthKeys(_ rig: Rig) throws -> [String: Set<String>] {
        var keys: [String: Set<String>] = [:]
        for company in rig.options.companies {
            for table in SimulatorTables.names {
                let columns = SimulatorTables.keyColumns[table]!
                keys["\(company)/\(table)"] = Set(try rig.truth(company, table).map { CurrentState.key($0, columns) })
            }
        }
        return keys
    }

    /// How many runs the end-to-end kill tests make, from E2E_KILL_TRIALS (default 3 of each kind).
    static var killTrials: Int {
        ProcessInfo.processInfo.environment["E2E_KILL_TRIALS"].flatMap { Int($0) } ?? 3
    }
}
