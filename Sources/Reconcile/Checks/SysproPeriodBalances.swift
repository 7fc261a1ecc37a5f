public import Common

/// SYSPRO's own GL movement per financial period and account, from its period balances (`GenHistory`: the balance
/// at the start of each year and at the close of each period), read fresh from SYSPRO at reconcile time.
///
/// A period's movement is its closing balance minus the previous one (`BeginYearBalance` before period 1): exactly
/// the net of the period's postings (debit − credit), which is what BigQuery's `gl_trial_balance` must show for the
/// same (year, period, account). Opening balances never enter the comparison, so history that was never extracted
/// cannot make it fail. All arithmetic is `ExactDecimal`.
///
/// Value type, `Sendable`.
public struct SysproPeriodBalances: Sendable, Hashable {
    /// `YYYY-PP` → GL code (byte for byte) → net movement.
    public private(set) var movements: [String: [String: ExactDecimal]] = [:]

    public init() {}

    /// Adds one GenHistory row.
    /// - Parameters:
    ///   - glCode: the account, as SYSPRO sent it.
    ///   - year: the financial year as decimal text (`2024`, `2024.0`).
    ///   - beginYearBalance: the balance at the start of the year; NULL counts as zero.
    ///   - closingBalances: `ClosingBalPer1`… in period order; NULL counts as zero.
    /// - Throws: `SysproBQError` `.invalidData` when a balance is not decimal text.
    public mutating func add(
        glCode: String,
        year: String,
        beginYearBalance: String?,
        closingBalances: [String?]
    )
        throws
    {
        func value(_ text: String?, _ column: String) throws -> ExactDecimal {
            guard let text else { return .zero }
            guard let value = ExactDecimal(text) ?? TotalsComparison.exponentForm(text) else {
                throw SysproBQError(
                    .invalidData,
                    "GenHistory \(glCode) \(year): \(column) is not a decimal: \(text.prefix(40))",
                    disposition: .terminal
                )
            }
            return value
        }
        let yearText = TotalsComparison.canonicalNumber(year)
        var previous = try value(beginYearBalance, "BeginYearBalance")
        for (index, text) in closingBalances.enumerated() {
            let closing = try value(text, "ClosingBalPer\(index + 1)")
            let period = TotalsComparison.period(year: yearText, period: "\(index + 1)")
            movements[period, default: [:]][glCode, default: .zero] += closing - previous
            previous = closing
        }
    }

    /// The periods SYSPRO reports.
    public var periods: Set<String> { Set(movements.keys) }
}

extension TotalsComparison {
    /// Compares BigQuery's trial balance with SYSPRO's own movement per (period, account), to the cent.
    ///
    /// An account present on one side only counts as zero on the other, so a posting missing from BigQuery and an
    /// account SYSPRO never heard of both fail. Emits one failing finding per differing (period, account), naming
    /// the account, and one finding per period (gross movement: the sum of absolute net movements).
    /// - Parameters:
    ///   - view: `gl_trial_balance` as canonical `account:Y-P-CODE` groups (``canonicalGroup(kind:year:period:code:)``).
    ///   - periods: the `YYYY-PP` periods to compare.
    public static func sysproTrialBalance(
        company: String,
        syspro: SysproPeriodBalances,
        view: [String: Sides],
        periods: Set<String>
    ) -> [ReconcileFinding] {
        var bigQuery: [String: [String: ExactDecimal]] = [:]
        for (name, sides) in view {
            guard let group = parseGroup(name), group.kind == "account" else { continue }
            bigQuery[group.period, default: [:]][group.code, default: .zero] += sides.debit - sides.credit
        }
        func magnitude(_ value: ExactDecimal) -> ExactDecimal { value < .zero ? value.negated : value }
        var findings: [ReconcileFinding] = []
        for period in periods.sorted() {
            let expected = syspro.movements[period] ?? [:]
            let found = bigQuery[period] ?? [:]
            var grossExpected = ExactDecimal.zero
            var grossFound = ExactDecimal.zero
            var failures = 0
            for code in Set(expected.keys).union(found.keys).sorted(by: {
                Array($0.utf8).lexicographicallyPrecedes($1.utf8)
            }) {
                let e = expected[code] ?? .zero
                let f = found[code] ?? .zero
                grossExpected += magnitude(e)
                grossFound += magnitude(f)
                guard e != f else { continue }
                failures += 1
                findings.append(
                    ReconcileFinding(
                        table: "gl_trial_balance",
                        company: company,
                        period: period,
                        check: .sysproBalance,
                        passed: false,
                        subject: expected[code] == nil
                            ? "account \(code) net movement, account not in SYSPRO GenHistory"
                            : "account \(code) net movement vs SYSPRO GenHistory",
                        expected: amountText(e),
                        found: amountText(f),
                        difference: amountText(f - e),
                        key: code
                    )
                )
            }
            findings.append(
                ReconcileFinding(
                    table: "gl_trial_balance",
                    company: company,
                    period: period,
                    check: .sysproBalance,
                    passed: failures == 0,
                    subject:
                        "movement of \(Set(expected.keys).union(found.keys).count) accounts vs SYSPRO GenHistory (gross)",
                    expected: amountText(grossExpected),
                    found: amountText(grossFound),
                    difference: amountText(grossFound - grossExpected)
                )
            )
        }
        return findings
    }
}
