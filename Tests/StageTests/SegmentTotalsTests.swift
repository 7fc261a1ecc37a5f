import Common
import Extract
import Foundation
import SegmentLog
import Testing

@testable import Stage

/// GL and amount totals accumulated in minor units equal the ``ExactDecimal`` reference sums text for text.
@Suite struct SegmentTotalsTests {
    /// A GenTransaction row's columns.
    static func row(year: String, period: String, journal: String, glCode: String, entry: String?) -> SourceRow {
        let value = entry.map { "\"\($0)\"" } ?? "null"
        let json =
            #""GlYear":\#(year),"GlPeriod":\#(period),"Journal":\#(journal),"GlCode":"\#(glCode)","EntryValue":\#(value)"#
        return SourceRow(
            columnsJSON: Array(json.utf8),
            keyValues: [year, period, journal],
            rowVersion: nil,
            businessDate: nil,
            amounts: [entry]
        )
    }

    /// The groups and amount sum as the original code computed them: ExactDecimal per contribution.
    static func reference(_ rows: [SourceRow]) throws -> ControlTotals {
        let grouping = GLGrouping()
        var groups: [String: [String: ExactDecimal]] = [:]
        var sum = ExactDecimal.zero
        for row in rows {
            if let text = row.amounts[0] { sum += ExactDecimal(text)! }
            for (group, column, value) in try grouping.contributions(of: row.columnsJSON) {
                groups[group, default: ["debit": .zero, "credit": .zero]][column, default: .zero] += value
            }
        }
        return try ControlTotals(
            rowCount: Int64(rows.count),
            amounts: ["EntryValue": sum.description],
            groups: groups.mapValues { $0.mapValues(\.description) }
        )
    }

    /// The totals of `rows` with year, period and journal read from the key values and the entry value from the
    /// amounts (as a GenTransaction stream reads them); the same groups must come out when every field is read
    /// from the columns, and when only the entry value is.
    static func totals(_ rows: [SourceRow]) throws -> ControlTotals {
        func accumulate(amountColumns: [String], keyColumns: [String]) throws -> ControlTotals {
            var totals = SegmentTotals(table: "GenTransaction", amountColumns: amountColumns, keyColumns: keyColumns)
            for row in rows { try totals.add(row: row, cursor: nil) }
            return try totals.sealMetadata(sourceQuery: "q").controlTotals
        }
        let keys = ["GlYear", "GlPeriod", "Journal"]
        let keyed = try accumulate(amountColumns: ["EntryValue"], keyColumns: keys)
        let scanned = try accumulate(amountColumns: ["EntryValue"], keyColumns: [])
        let entryScanned = try accumulate(amountColumns: [], keyColumns: keys)
        #expect(keyed == scanned)
        #expect(keyed.groups == entryScanned.groups)
        return keyed
    }

    /// Entry values of mixed scales, signs, zeros, leading zeros, `+`, NULL and sums beyond Int64 match.
    @Test func minorUnitTotalsMatchExactDecimalReference() throws {
        let entries: [String?] = [
            "1.50", "-1.5", "0.00", "-0.00", "+2", "007.125", nil, "999999999999999999", "999999999999999999",
            "-0.000000000000000001", "12345678901234567890.12", "0", "3", "-44.4400", "0.1",
        ]
        var rows: [SourceRow] = []
        for (index, entry) in entries.enumerated() {
            for period in ["1", "2"] {
                rows.append(
                    Self.row(year: "2024", period: period, journal: "\(index % 3)", glCode: "  10", entry: entry)
                )
            }
        }
        for index in 0..<2000 {
            let cents = (index * 7919) % 200_001 - 100_000
            let text = (cents < 0 ? "-" : "") + "\(abs(cents) / 100).\(String(format: "%02d", abs(cents) % 100))"
            rows.append(
                Self.row(
                    year: "2025",
                    period: "\(index % 12)",
                    journal: "\(index % 50)",
                    glCode: "\(index % 9)",
                    entry: text
                )
            )
        }
        #expect(try Self.totals(rows) == Self.reference(rows))
    }

    /// Journals posted in runs of consecutive rows (summed as a run, then added to the group), journals that
    /// come back later, a run that overflows Int64, a GL code with an escape and an entry value of 19 digits in
    /// the middle of a run (both read the slow way): every group equals the reference.
    @Test func journalRunsMatchTheReference() throws {
        var rows: [SourceRow] = []
        let scales = ["1.5", "2.25", "-0.125", "3", "-7.10", "0.001"]
        for round in 0..<3 {
            for journal in 0..<9 {
                for line in 0..<(journal % 7 + 1) {
                    let entry = scales[(journal + line + round) % scales.count]
                    rows.append(
                        Self.row(
                            year: "2024",
                            period: "\(journal % 2)",
                            journal: "\(journal)",
                            glCode: "\(line)",
                            entry: entry
                        )
                    )
                }
                if journal == 4 {
                    rows.append(Self.row(year: "2024", period: "0", journal: "4", glCode: #"a\"b"#, entry: "-2.5"))
                    rows.append(
                        Self.row(year: "2024", period: "0", journal: "4", glCode: "9", entry: "1234567890123456789.5")
                    )
                    rows.append(Self.row(year: "2024", period: "0", journal: "4", glCode: "9", entry: "0.75"))
                }
            }
        }
        for _ in 0..<12 {
            rows.append(Self.row(year: "2025", period: "1", journal: "1", glCode: "1", entry: "999999999999999999.9"))
        }
        rows.append(Self.row(year: "2025", period: "1", journal: "1", glCode: "1", entry: "0.01"))
        #expect(try Self.totals(rows) == Self.reference(rows))
    }

    /// A sum that crosses the Int64 range continues exactly in ExactDecimal.
    @Test func overflowFallsBackToExactDecimal() throws {
        let rows = (0..<20).map { _ in
            Self.row(year: "2024", period: "1", journal: "1", glCode: "1", entry: "999999999999999999.9")
        }
        let totals = try Self.totals(rows)
        #expect(totals == (try Self.reference(rows)))
        #expect(totals.groups["journal:2024-1-1"]?["debit"] == "19999999999999999998.0")
    }

    /// Text that is not a decimal is still refused.
    @Test func nonDecimalEntryValueIsRefused() {
        var totals = SegmentTotals(table: "GenTransaction", amountColumns: [])
        #expect(throws: SysproBQError.self) {
            try totals.add(
                row: Self.row(year: "2024", period: "1", journal: "1", glCode: "1", entry: "1e5"),
                cursor: nil
            )
        }
    }

    /// 100k GL rows accumulated: an instruction-count workload for callgrind (SYSPRO_BQ_BENCH_MANIFEST).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYSPRO_BQ_BENCH_MANIFEST"] != nil))
    func glTotalsBenchmark() throws {
        let rows = (0..<100_000).map { index in
            Self.row(
                year: "2024",
                period: "\(1 + index % 12)",
                journal: "\(100_000 + index / 15)",
                glCode: "\(10_000 + index % 3000)-\(index % 7)",
                entry: (index % 2 == 0 ? "" : "-") + "\(index % 100_000).\(index % 10)5"
            )
        }
        let totals = try Self.glTotalsBench(rows)
        #expect(totals.rowCount == 100_000)
    }

    @inline(never)
    static func glTotalsBench(_ rows: [SourceRow]) throws -> ControlTotals {
        try totals(rows)
    }
}
