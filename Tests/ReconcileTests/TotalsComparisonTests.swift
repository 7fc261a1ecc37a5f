import Common
import Testing

@testable import Reconcile

/// Staged totals against BigQuery's answers, with no I/O.
struct TotalsComparisonTests {
    let stream = StagedStream(
        company: "A",
        table: "ApInvoice",
        amountColumns: ["OrigInvValue"],
        keyColumns: ["Supplier", "Invoice"],
        segments: [
            .init(sequence: 1, rowCount: 3, amounts: ["OrigInvValue": "300.00"]),
            .init(sequence: 2, rowCount: 2, amounts: ["OrigInvValue": "20.50"]),
        ]
    )

    func loaded(_ rows: [(UInt64, Int64, String?)]) -> [UInt64: TotalsComparison.LoadedSegment] {
        Dictionary(
            uniqueKeysWithValues: rows.map {
                ($0.0, .init(sequence: $0.0, rowCount: $0.1, sums: ["OrigInvValue": $0.2]))
            }
        )
    }

    /// Equal counts and sums pass, whatever the spelling of the decimal ("20.5" = "20.50", "3E+2" = 300).
    @Test func equalTotalsPass() {
        let findings = TotalsComparison.segments(stream, loaded: loaded([(1, 3, "3E+2"), (2, 2, "20.5")]))
        #expect(findings.allSatisfy { $0.passed })
        #expect(findings.map(\.check) == [.rowCount, .amountSum])
    }

    /// One damaged BigQuery copy and what reconciliation must say about it.
    struct Damage: Sendable, CustomTestStringConvertible {
        let name: String
        let rows: [Row]
        let check: ReconcileFinding.Check
        let difference: String
        let segment: UInt64
        var testDescription: String { name }
    }

    struct Row: Sendable {
        let segment: UInt64
        let count: Int64
        let sum: String
    }

    static let damages = [
        Damage(
            name: "deleted row",
            rows: [Row(segment: 1, count: 3, sum: "300.00"), Row(segment: 2, count: 1, sum: "20.50")],
            check: .rowCount,
            difference: "-1",
            segment: 2
        ),
        Damage(
            name: "changed amount",
            rows: [Row(segment: 1, count: 3, sum: "300.01"), Row(segment: 2, count: 2, sum: "20.50")],
            check: .amountSum,
            difference: "0.01",
            segment: 1
        ),
        Damage(
            name: "skipped segment",
            rows: [Row(segment: 1, count: 3, sum: "300.00")],
            check: .segment,
            difference: "-2",
            segment: 2
        ),
    ]

    /// A table of failures: each names the check, the difference and the segment.
    @Test(arguments: damages)
    func differencesNameTheCheckTheDifferenceAndTheSegment(damage: Damage) {
        let failures = TotalsComparison.segments(
            stream,
            loaded: loaded(damage.rows.map { ($0.segment, $0.count, $0.sum) })
        )
        .filter { !$0.passed }
        let finding = failures.first { $0.check == damage.check }
        #expect(finding?.difference == damage.difference)
        #expect(finding?.segments == [damage.segment])
        #expect(finding?.table == "ApInvoice")
    }

    /// An unbalanced journal fails and names the journal, the period and the difference.
    @Test func unbalancedJournalIsNamed() {
        let journals: [String: (TotalsComparison.Sides, [UInt64])] = [
            "journal:2024-3-10": (TotalsComparison.Sides(debit: "100.00", credit: "100.00"), [1]),
            "journal:2024-3-11": (TotalsComparison.Sides(debit: "50.00", credit: "49.99"), [2]),
        ]
        let findings = TotalsComparison.journalBalance(
            table: "GenTransaction",
            company: "A",
            source: "staged",
            journals: journals
        )
        let bad = findings.filter { !$0.passed }
        #expect(bad.contains { $0.key == "11" && $0.period == "2024-03" && $0.difference == "-0.01" })
        #expect(findings.contains { !$0.passed && $0.subject == "staged journals balanced" && $0.found == "1" })
    }

    /// A trial-balance account that differs is named with its period and its debit difference; group names
    /// written "2024.000000000" by the emulator match SYSPRO's "2024".
    @Test func trialBalanceDifferenceNamesTheAccount() {
        let staged = TotalsComparison.stagedGroups([
            .init(
                sequence: 4,
                rowCount: 2,
                amounts: [:],
                groups: [
                    "account:2024-3-   1000": ["debit": "10.00", "credit": "0"],
                    "account:2024-3-2000": ["debit": "0", "credit": "10.00"],
                ]
            )
        ])
        let view: [String: TotalsComparison.Sides] = [
            TotalsComparison.canonicalGroup(kind: "account", year: "2024.000000000", period: "3.0", code: "   1000"):
                .init(debit: "9.00", credit: "0"),
            TotalsComparison.canonicalGroup(kind: "account", year: "2024", period: "3", code: "2000"):
                .init(debit: "0E-9", credit: "10.000000000"),
        ]
        let findings = TotalsComparison.trialBalance(
            table: "gl_trial_balance",
            company: "A",
            staged: staged,
            view: view
        )
        let bad = findings.filter { !$0.passed && $0.key != nil }
        #expect(bad.count == 1)
        #expect(bad.first?.key == "   1000")
        #expect(bad.first?.difference == "-1.00")
        #expect(bad.first?.segments == [4])
    }

    /// A key occurring twice in a current-state view fails with the key; none passes.
    @Test func duplicateKeysAreReported() {
        #expect(TotalsComparison.duplicateKeys(table: "T", company: "A", duplicates: []).allSatisfy { $0.passed })
        let found = TotalsComparison.duplicateKeys(
            table: "T",
            company: "A",
            duplicates: [(key: [" 10", "INV1"], copies: 2)]
        )
        #expect(found.first?.passed == false)
        #expect(found.first?.key == " 10|INV1")
    }

    /// Line comparison names the key of a missing row and of a changed amount.
    @Test func lineComparisonNamesKeys() {
        let staged: [LineComparison.Line] = [
            .init(line: 0, key: [" 1", "A"], amounts: ["V": "1.00"]),
            .init(line: 1, key: [" 2", "B"], amounts: ["V": "2.00"]),
        ]
        let loaded: [LineComparison.Line] = [.init(line: 1, key: [" 2", "B"], amounts: ["V": "2.5"])]
        let findings = LineComparison.differences(
            table: "T",
            company: "A",
            segment: 7,
            amountColumns: ["V"],
            staged: staged,
            loaded: loaded
        )
        #expect(findings.map(\.key) == [" 1|A", " 2|B"])
        #expect(findings.map(\.difference) == ["-1", "0.50"])
    }

    /// SYSPRO's period movement is its closing balance minus the previous one; opening balances cancel out.
    @Test func sysproMovementIsClosingMinusPreviousClosing() throws {
        var balances = SysproPeriodBalances()
        try balances.add(
            glCode: "   1000",
            year: "2024",
            beginYearBalance: "500.00",
            closingBalances: ["600.25", "600.25", "550"]
        )
        #expect(balances.movements["2024-01"]?["   1000"] == ExactDecimal("100.25"))
        #expect(balances.movements["2024-02"]?["   1000"] == ExactDecimal("0"))
        #expect(balances.movements["2024-03"]?["   1000"] == ExactDecimal("-50.25"))
    }

    /// A trial-balance account whose net differs from SYSPRO's movement is named with its period and difference;
    /// an account SYSPRO moved but BigQuery lacks fails too.
    @Test func sysproTrialBalanceNamesAccountPeriodAndDifference() throws {
        var balances = SysproPeriodBalances()
        try balances.add(glCode: "   1000", year: "2024", beginYearBalance: "0", closingBalances: ["100.05", "100.05"])
        try balances.add(glCode: "4000", year: "2024", beginYearBalance: "7", closingBalances: ["-93.05", "-93.05"])
        try balances.add(glCode: "5000", year: "2024", beginYearBalance: "0", closingBalances: ["0", "12.00"])
        let view: [String: TotalsComparison.Sides] = [
            "account:2024-1-   1000": .init(debit: "100.05", credit: "0"),
            "account:2024-1-4000": .init(debit: "0", credit: "100.00"),
        ]
        let findings = TotalsComparison.sysproTrialBalance(
            company: "A",
            syspro: balances,
            view: view,
            periods: ["2024-01", "2024-02"]
        )
        let failures = findings.filter { !$0.passed }
        #expect(failures.contains { $0.period == "2024-01" && $0.key == "4000" && $0.difference == "0.05" })
        #expect(failures.contains { $0.period == "2024-02" && $0.key == "5000" && $0.difference == "-12.00" })
        #expect(!failures.contains { $0.key == "   1000" })
        #expect(findings.allSatisfy { $0.check == .sysproBalance && $0.table == "gl_trial_balance" })
    }

    /// Amounts in findings drop a NUMERIC column's padding zeros, never significant digits.
    @Test(arguments: [
        ("0.050000000", "0.05"), ("3101.700000000", "3101.70"), ("-0.000000000", "0.00"), ("12", "12"),
        ("1.123456789", "1.123456789"), ("-7.5", "-7.5"),
    ])
    func amountTextDropsOnlyPaddingZeros(text: String, shown: String) throws {
        #expect(TotalsComparison.amountText(try #require(ExactDecimal(text))) == shown)
    }

    /// Exponent-form NUMERIC text is read exactly.
    @Test(arguments: [("0E-9", "0"), ("1.5E+3", "1500"), ("-12.5E-2", "-0.125"), ("2024.000000000", "2024")])
    func numericSpellingsAreCanonical(text: String, canonical: String) {
        #expect(TotalsComparison.canonicalNumber(text) == canonical)
    }
}
