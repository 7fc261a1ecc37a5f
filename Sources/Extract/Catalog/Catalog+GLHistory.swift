extension Catalog {
    /// Periods per financial year in `GenHistory`: twelve periods and the year-end adjustment period.
    public static let glHistoryPeriods = 13

    /// SYSPRO's own GL balances per account and financial year (`GenHistory`, reference §3.10 [C] BB): the balance
    /// at the start of the year and at the close of each period. A period's movement is
    /// `ClosingBalPer<p> − ClosingBalPer<p−1>` (`BeginYearBalance` before period 1).
    ///
    /// Not extracted (it is not in ``builtIn``): `syspro-bq reconcile` reads it fresh, as a snapshot, to prove
    /// BigQuery's trial balance equals SYSPRO's per (year, period, account). Amount columns, in order:
    /// `BeginYearBalance`, then `ClosingBalPer1`…`ClosingBalPer13`, so a row's ``SourceRow/amounts`` hold them in
    /// that order as exact decimal text. Types are [I]: balances are read as decimal(18,2), wider than a posting's
    /// decimal(14,2), because a balance accumulates postings; nothing read here is loaded anywhere.
    public static let glHistory: CatalogEntry = {
        let balances = ["BeginYearBalance"] + (1...glHistoryPeriods).map { "ClosingBalPer\($0)" }
        return CatalogEntry(
            table: "GenHistory",
            keyColumns: ["Company", "GlCode", "GlYear"],
            columns: [
                CatalogColumn(name: "Company", sqlType: .char(4), nullable: false),
                CatalogColumn(name: "GlCode", sqlType: .varchar(35), nullable: false),
                CatalogColumn(name: "GlYear", sqlType: .decimal(precision: 4, scale: 0), nullable: false),
            ] + balances.map { CatalogColumn(name: $0, sqlType: .decimal(precision: 18, scale: 2)) },
            changeStrategies: [.snapshot],
            amountColumns: balances,
            notes: "Read by reconcile only; SYSPRO's period balances, compared with gl_trial_balance."
        )
    }()
}
