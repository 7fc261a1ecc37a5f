/// The SQL of the views Load maintains, as pure functions (golden-tested).
///
/// Views read the raw, append-only tables; they never change when a segment is replayed, because a replayed row
/// carries the same `_segment`, `_line` and `_version` as the first copy.
public enum ViewSQL {
    /// `` `project.dataset.table` ``.
    public static func tableReference(project: String, dataset: String, table: String) -> String {
        "`\(project).\(dataset).\(table)`"
    }

    /// A column name in backquotes.
    static func column(_ name: String) -> String { "`\(name)`" }

    /// The current state of a table: the latest row per (`_company`, key columns) in staging order, tombstones
    /// dropped. Duplicate copies of a row (insertAll retries, replays) share `_segment`/`_line`, so whichever
    /// copy wins, the result is the same.
    /// - Parameters:
    ///   - raw: the raw table reference (from ``tableReference(project:dataset:table:)``).
    ///   - keyColumns: the stream's key columns.
    public static func currentState(raw: String, keyColumns: [String]) -> String {
        let partition = (["_company"] + keyColumns.map(column)).joined(separator: ", ")
        return "SELECT * EXCEPT(rn) FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY \(partition) "
            + "ORDER BY _segment DESC, _line DESC) AS rn FROM \(raw) t) WHERE rn = 1 AND NOT _deleted"
    }

    /// The column names the trial balance reads (SYSPRO's `GenTransaction` and `GenMaster` columns).
    public struct TrialBalanceColumns: Sendable, Hashable {
        public var year = "GlYear"
        public var period = "GlPeriod"
        public var glCode = "GlCode"
        public var entryValue = "EntryValue"
        public var description = "Description"
        public var accountType = "AccountType"

        public init() {}
    }

    /// SYSPRO's system accounts that are not real ledger accounts: the forced-balance and retained-earnings
    /// codes. They are left out of the account join only; postings to them still count in the totals.
    public static let systemGLCodes = ["FORCED", "RETAINED"]

    /// The GL trial balance by company, year, period and GL code, from the current postings: debit is the sum
    /// of positive `EntryValue`s, credit the sum of negative ones as a positive amount, net = debit − credit.
    /// - Parameters:
    ///   - transactions: the reference of the GenTransaction current-state view.
    ///   - master: the reference of the GenMaster current-state view, or `nil` to leave description and account
    ///     type out.
    public static func trialBalance(
        transactions: String,
        master: String?,
        columns: TrialBalanceColumns = TrialBalanceColumns()
    ) -> String {
        let year = column(columns.year)
        let period = column(columns.period)
        let code = column(columns.glCode)
        let value = column(columns.entryValue)
        var select =
            "SELECT t._company AS company, t.\(year) AS GlYear, t.\(period) AS GlPeriod, "
            + "t.\(code) AS GlCode, "
            + "SUM(IF(t.\(value) > 0, t.\(value), 0)) AS debit, "
            + "-SUM(IF(t.\(value) < 0, t.\(value), 0)) AS credit, "
            + "SUM(t.\(value)) AS net, COUNT(*) AS postings"
        var from = " FROM \(transactions) t"
        if let master {
            let excluded = systemGLCodes.map { "'\($0)'" }.joined(separator: ", ")
            select +=
                ", ANY_VALUE(m.\(column(columns.description))) AS Description, "
                + "ANY_VALUE(m.\(column(columns.accountType))) AS AccountType"
            from +=
                " LEFT JOIN (SELECT _company, \(code), \(column(columns.description)), "
                + "\(column(columns.accountType)) FROM \(master) WHERE \(code) NOT IN (\(excluded))) m "
                + "ON m._company = t._company AND m.\(code) = t.\(code)"
        }
        // Group by the source expressions, not the output aliases: an alias equal to a joined column's name
        // (GlCode) is ambiguous to some SQL engines (the emulator's DuckDB), while BigQuery accepts both.
        return select + from + " GROUP BY t._company, t.\(year), t.\(period), t.\(code)"
    }
}
