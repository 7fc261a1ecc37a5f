/// One line of a reconciliation: a check on one table (and period, when it has one), passed or failed, with
/// what was expected, what was found and the difference in rows or money.
///
/// Amounts are exact decimal text; `difference` is found − expected (negative: BigQuery holds less).
/// Value type, `Sendable`.
public struct ReconcileFinding: Sendable, Hashable, Codable {
    /// What was compared.
    public enum Check: String, Sendable, Hashable, Codable, CaseIterable {
        /// Staged rows per segment vs distinct staged lines in the raw table.
        case rowCount = "row-count"
        /// Staged exact sum of an amount column per segment vs the raw table's sum.
        case amountSum = "amount-sum"
        /// A sealed segment with no row in the raw table (never loaded), or rows of a segment that is not staged.
        case segment
        /// Debit and credit per journal and per (year, period, account): staged control totals vs raw postings.
        case glGroups = "gl-groups"
        /// Every journal balances (debits = credits), in the staged totals and in the current-state view.
        case journalBalance = "journal-balance"
        /// `gl_trial_balance` per (year, period, account) vs the staged account totals.
        case trialBalance = "trial-balance"
        /// No key occurs twice in a current-state view.
        case duplicateKey = "duplicate-key"
        /// `gl_trial_balance` net movement per (year, period, account) vs SYSPRO's GenHistory, read fresh.
        case sysproBalance = "syspro-balance"
    }

    public var table: String
    public var company: String
    /// `YYYY-PP` (GL financial period) or `YYYY-MM-DD..YYYY-MM-DD` (business dates of the segments), if any.
    public var period: String?
    public var check: Check
    public var passed: Bool
    /// What the check covered or which column, e.g. "EntryValue", "journal 2024-3-1042", "segment 12".
    public var subject: String
    public var expected: String
    public var found: String
    /// found − expected, rows or money; "0" when passed.
    public var difference: String
    /// The staged segments involved.
    public var segments: [UInt64]
    /// The key of the row concerned, when one row was identified (key values joined by '|').
    public var key: String?

    public init(
        table: String,
        company: String,
        period: String? = nil,
        check: Check,
        passed: Bool,
        subject: String,
        expected: String,
        found: String,
        difference: String,
        segments: [UInt64] = [],
        key: String? = nil
    ) {
        self.table = table
        self.company = company
        self.period = period
        self.check = check
        self.passed = passed
        self.subject = subject
        self.expected = expected
        self.found = found
        self.difference = difference
        self.segments = segments
        self.key = key
    }
}
