import Common
import Foundation
import Load
import SegmentLog
import Testing

@testable import Reconcile

/// Reconciliation against bqemulator (a real SQL engine), loaded through the production load path: a clean load
/// passes; a deleted row, a changed amount, a skipped segment and a SYSPRO balance that differs each fail and name
/// the table, period, key or segment, and the difference.
struct EmulatorReconcileTests {
    static let schema = try! StreamSchema(
        columns: [
            ColumnSchema(name: "GlYear", sqlType: "decimal(4,0)", bigQueryType: .numeric, nullable: false),
            ColumnSchema(name: "GlPeriod", sqlType: "decimal(2,0)", bigQueryType: .numeric, nullable: false),
            ColumnSchema(name: "Journal", sqlType: "decimal(10,0)", bigQueryType: .numeric, nullable: false),
            ColumnSchema(name: "GlLine", sqlType: "decimal(10,0)", bigQueryType: .numeric, nullable: false),
            ColumnSchema(name: "GlCode", sqlType: "varchar(35)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "EntryValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: true),
        ],
        keyColumns: ["GlYear", "GlPeriod", "Journal", "GlLine"],
        businessDateColumn: nil,
        amountColumns: ["EntryValue"],
        versionKind: .rowversion
    )

    /// Segment 1: journal 10 (two lines); segment 2: journal 11 (three lines). Both balance; all in 2024-03.
    static let segments: [[(journal: String, line: String, code: String, value: String)]] = [
        [("10", "1", "   1000", "1250.75"), ("10", "2", "4000", "-1250.75")],
        [("11", "1", "2000", "-300.10"), ("11", "2", "   1000", "100.05"), ("11", "3", "5000", "200.05")],
    ]

    /// A world with both GL segments staged, and loaded unless `load` is false.
    static func world(_ name: String, load: Bool = true, maxSegments: Int? = nil) throws -> EmulatorWorld {
        let world = try EmulatorWorld(dataset: name)
        try world.stage(
            table: "GenTransaction",
            schema: schema,
            segments: segments.map { segment in
                segment.map { row in
                    EmulatorWorld.Row(
                        keys: ["2024", "3", row.journal, row.line],
                        columns: #""GlYear":"2024","GlPeriod":"3","Journal":"\#(row.journal)","GlLine":"\#(row.line)","#
                            + #""GlCode":"\#(row.code)","EntryValue":"\#(row.value)""#,
                        amounts: [row.value]
                    )
                }
            }
        )
        if load { try world.load(maxSegments: maxSegments) }
        return world
    }

    /// SYSPRO's GenHistory for these postings: `closing` per account at the end of 2024-03 (from a zero opening,
    /// periods 1–2 without movement), unless overridden.
    static func syspro(overriding: [String: String] = [:]) -> Reconciler.SysproBalances {
        let closing = ["   1000": "1350.80", "4000": "-1250.75", "2000": "-300.10", "5000": "200.05", "9999": "0"]
            .merging(overriding) { _, new in new }
        return { company in
            #expect(company == "A")
            var balances = SysproPeriodBalances()
            for (code, value) in closing {
                try balances.add(
                    glCode: code,
                    year: "2024",
                    beginYearBalance: "0.00",
                    closingBalances: ["0.00", "0.00"] + Array(repeating: value, count: 11)
                )
            }
            return balances
        }
    }

    /// A clean load reconciles: counts, sums, GL groups, journals, trial balance, SYSPRO's balances, no duplicate
    /// key; the HTML report of it carries the chart and the findings.
    @Test func cleanLoadPasses() throws {
        let world = try Self.world("clean")
        let report = try world.reconcile(syspro: Self.syspro())
        #expect(report.failures.isEmpty, "\(report.renderTable())")
        #expect(
            Set(report.findings.map(\.check)).isSuperset(of: [
                .rowCount, .amountSum, .glGroups, .journalBalance, .trialBalance, .sysproBalance, .duplicateKey,
            ])
        )
        #expect(report.findings.contains { $0.check == .sysproBalance && $0.period == "2024-03" && $0.passed })
        let html = try AuditReport.collect(log: world.log, reconciliation: report, generatedAt: "2024-11-01T00:00:00Z")
            .renderHTML()
        #expect(html.contains("<svg") && html.contains("gl_trial_balance"))
    }

    /// A row deleted in BigQuery fails: the table, segment 2, the row's key and one row fewer are named.
    @Test func deletedRowFailsAndNamesTheKey() throws {
        let world = try Self.world("deleted")
        try world.query("DELETE FROM \(world.reference("GenTransaction")) WHERE _segment = 2 AND _line = 1")
        let report = try world.reconcile()
        #expect(!report.passed)
        #expect(
            report.failures.contains { $0.check == .rowCount && $0.segments == [2] && $0.difference == "-1" },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains { $0.key == "2024|3|11|2" && $0.table == "GenTransaction" },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains { $0.period == "2024-03" && $0.key == "   1000" && $0.difference == "-100.05" },
            "\(report.renderTable())"
        )
    }

    /// An amount changed in BigQuery fails: the key, the segment and the money difference are named.
    @Test func changedAmountFailsAndNamesTheDifference() throws {
        let world = try Self.world("changed")
        try world.query(
            "UPDATE \(world.reference("GenTransaction")) SET EntryValue = 1250.70 WHERE _segment = 1 AND _line = 0"
        )
        let report = try world.reconcile(syspro: Self.syspro())
        #expect(!report.passed)
        #expect(
            report.failures.contains { $0.check == .amountSum && $0.key == "2024|3|10|1" && $0.difference == "-0.05" },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains { $0.check == .journalBalance && $0.key == "10" && $0.period == "2024-03" },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains {
                $0.check == .sysproBalance && $0.key == "   1000" && $0.period == "2024-03" && $0.difference == "-0.05"
            },
            "\(report.renderTable())"
        )
    }

    /// A segment never loaded fails: the segment, its rows and the money it carried (a balanced journal nets to
    /// zero, so the journal's and accounts' debits and credits name the money) are named.
    @Test func skippedSegmentFailsAndNamesTheSegment() throws {
        let world = try Self.world("skipped", maxSegments: 1)
        let report = try world.reconcile()
        #expect(!report.passed)
        #expect(
            report.failures.contains { $0.check == .segment && $0.segments == [2] && $0.difference == "-3" },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains {
                $0.check == .glGroups && $0.subject == "journal 11 debit" && $0.difference == "-300.10"
                    && $0.segments == [2]
            },
            "\(report.renderTable())"
        )
        #expect(
            report.failures.contains { $0.check == .trialBalance && $0.key == "5000" && $0.difference == "-200.05" },
            "\(report.renderTable())"
        )
    }

    /// When SYSPRO's own balance for an account differs from BigQuery's trial balance, reconcile fails and names
    /// the account, the period and the difference, though staging and BigQuery agree with each other.
    @Test func sysproBalanceDifferenceNamesTheAccount() throws {
        let world = try Self.world("syspro")
        let report = try world.reconcile(syspro: Self.syspro(overriding: ["5000": "200.00"]))
        #expect(!report.passed)
        #expect(report.failures.allSatisfy { $0.check == .sysproBalance }, "\(report.renderTable())")
        #expect(
            report.failures.contains {
                $0.table == "gl_trial_balance" && $0.period == "2024-03" && $0.key == "5000" && $0.difference == "0.05"
            },
            "\(report.renderTable())"
        )
    }

    /// SYSPRO that cannot be read fails the check instead of passing it silently.
    @Test func unreadableSysproFails() throws {
        let world = try Self.world("unreadable")
        let report = try world.reconcile(syspro: { _ in
            throw SysproBQError(.transport, "connection refused", disposition: .retryable)
        })
        #expect(report.failures.map(\.check) == [.sysproBalance])
        #expect(report.failures.first?.subject.contains("connection refused") == true)
    }
}
