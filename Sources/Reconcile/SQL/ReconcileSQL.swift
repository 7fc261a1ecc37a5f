/// The SQL reconciliation runs against BigQuery, as pure functions (golden-tested).
///
/// Raw tables may hold more than one copy of a staged row (insertAll retries and replays; BigQuery's insertId
/// deduplication is best-effort, the emulator's absent), so every raw-table query first keeps one copy per
/// (`_segment`, `_line`): copies of one staged line are identical by construction.
public enum ReconcileSQL {
    /// A column name in backquotes.
    static func column(_ name: String) -> String { "`\(name)`" }

    /// One copy per staged line of `company`'s rows in `raw`.
    static func distinctLines(raw: String) -> String {
        "SELECT * EXCEPT(rn) FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY _segment, _line "
            + "ORDER BY _insert_id) AS rn FROM \(raw) t WHERE t._company = @company) WHERE rn = 1"
    }

    /// Rows and exact amount sums per segment of one stream: columns `segment`, `row_count`, then `sum_<i>` for
    /// each amount column in order. Parameter `@company` (STRING).
    public static func segmentTotals(raw: String, amountColumns: [String]) -> String {
        var select = "SELECT _segment AS segment, COUNT(*) AS row_count"
        for (index, name) in amountColumns.enumerated() {
            select += ", SUM(\(column(name))) AS sum_\(index)"
        }
        return select + " FROM (\(distinctLines(raw: raw))) GROUP BY segment ORDER BY segment"
    }

    /// The staged lines of one segment present in BigQuery, with their amounts and key columns, to find which row
    /// is missing or changed. Columns `line`, then `sum_<i>` per amount column, then `key_<i>` per key column.
    /// Parameters `@company` (STRING), `@segment` (INT64).
    public static func segmentLines(raw: String, amountColumns: [String], keyColumns: [String]) -> String {
        var select = "SELECT _line AS line"
        for (index, name) in amountColumns.enumerated() { select += ", \(column(name)) AS sum_\(index)" }
        for (index, name) in keyColumns.enumerated() { select += ", \(column(name)) AS key_\(index)" }
        return select + " FROM (\(distinctLines(raw: raw))) WHERE _segment = @segment ORDER BY line"
    }

    /// Debit and credit per group over every staged GL posting (all segments, one copy per line): columns
    /// `kind` ('journal' or 'account'), `year`, `period`, `code` (journal number or GL code), `debit`, `credit`.
    /// Parameter `@company` (STRING).
    public static func glGroupTotals(raw: String, columns: GLColumns = GLColumns()) -> String {
        let value = column(columns.entryValue)
        let sides =
            "SUM(IF(\(value) > 0, \(value), 0)) AS debit, -SUM(IF(\(value) < 0, \(value), 0)) AS credit"
        let year = "CAST(\(column(columns.year)) AS STRING)"
        let period = "CAST(\(column(columns.period)) AS STRING)"
        let lines = distinctLines(raw: raw)
        return "SELECT 'journal' AS kind, \(year) AS year, \(period) AS period, "
            + "CAST(\(column(columns.journal)) AS STRING) AS code, \(sides) FROM (\(lines)) GROUP BY year, period, code "
            + "UNION ALL SELECT 'account' AS kind, \(year) AS year, \(period) AS period, "
            + "\(column(columns.glCode)) AS code, \(sides) FROM (\(lines)) GROUP BY year, period, code"
    }

    /// Debit and credit per journal in the current-state view: columns `year`, `period`, `journal`, `debit`,
    /// `credit`. Parameter `@company` (STRING).
    public static func journalBalances(current: String, columns: GLColumns = GLColumns()) -> String {
        let value = column(columns.entryValue)
        return "SELECT CAST(\(column(columns.year)) AS STRING) AS year, "
            + "CAST(\(column(columns.period)) AS STRING) AS period, "
            + "CAST(\(column(columns.journal)) AS STRING) AS journal, "
            + "SUM(IF(\(value) > 0, \(value), 0)) AS debit, -SUM(IF(\(value) < 0, \(value), 0)) AS credit "
            + "FROM \(current) WHERE _company = @company GROUP BY year, period, journal"
    }

    /// The trial balance view's rows of one company: columns `year`, `period`, `code`, `debit`, `credit`.
    /// Parameter `@company` (STRING).
    public static func trialBalance(view: String) -> String {
        "SELECT CAST(GlYear AS STRING) AS year, CAST(GlPeriod AS STRING) AS period, GlCode AS code, debit, credit "
            + "FROM \(view) WHERE company = @company"
    }

    /// Keys that occur more than once in a current-state view: columns `key_<i>` per key column, then `copies`.
    /// Parameter `@company` (STRING).
    public static func duplicateKeys(current: String, keyColumns: [String]) -> String {
        let keys = keyColumns.enumerated().map { "\(column($0.element)) AS key_\($0.offset)" }
        let groupBy = keyColumns.indices.map { "key_\($0)" }.joined(separator: ", ")
        return "SELECT \(keys.joined(separator: ", ")), COUNT(*) AS copies FROM \(current) "
            + "WHERE _company = @company GROUP BY \(groupBy) HAVING COUNT(*) > 1 ORDER BY \(groupBy) LIMIT 100"
    }

    /// The GL column names (SYSPRO's GenTransaction, §3.11).
    public struct GLColumns: Sendable, Hashable {
        public var year = "GlYear"
        public var period = "GlPeriod"
        public var journal = "Journal"
        public var glCode = "GlCode"
        public var entryValue = "EntryValue"

        public init() {}
    }
}
