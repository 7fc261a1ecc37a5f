/// Keeps `GenHistory` in step with `GenTransaction`, as SYSPRO's GL posting does: each posted line moves its
/// account's closing balance for its period and every later period of the year, and the opening balance and
/// closings of every later year (the simulator carries each account's year-end balance forward; SYSPRO's year-end
/// close would move income accounts into RETAINED, which changes no period movement).
///
/// A period's movement is therefore `ClosingBalPer<p> − ClosingBalPer<p−1>` (`BeginYearBalance` before period 1),
/// exactly the sum of that period's postings to the account: what `syspro-bq reconcile` compares with BigQuery's
/// trial balance. Opening balances of the first year are derived from the GL code, not from the random stream, so
/// adding this table changed no other generated value.
enum GeneralLedgerHistory {
    /// Periods per financial year, the last being the year-end adjustment period.
    static let periods = 13

    private static let transactions = Catalog.genTransaction
    private static let history = Catalog.genHistory

    /// Writes every GenHistory row from the company's GenTransaction rows (after bulk generation): one row per
    /// GenMaster account and year from the first posted year to the last.
    static func rebuild(_ state: inout CompanyState, company: String) {
        let code = transactions.position(of: "GlCode")!
        let year = transactions.position(of: "GlYear")!
        let period = transactions.position(of: "GlPeriod")!
        let value = transactions.position(of: "EntryValue")!
        // account → year → movement per period (index 0 unused), unscaled cents.
        var movements: [String: [Int64: [Int64]]] = [:]
        var years: ClosedRange<Int64>?
        for row in state.tables["GenTransaction"]!.rows {
            guard case .string(let account) = row[code], case .decimal(let y) = row[year],
                case .decimal(let p) = row[period], case .decimal(let cents) = row[value],
                (1...Int64(periods)).contains(p)
            else { continue }
            movements[account, default: [:]][y, default: Array(repeating: 0, count: periods + 1)][Int(p)] += cents
            years = years.map { min($0.lowerBound, y)...max($0.upperBound, y) } ?? y...y
        }
        guard let years else { return }
        let codeInMaster = Catalog.genMaster.position(of: "GlCode")!
        var accounts = Set(movements.keys)
        for row in state.tables["GenMaster"]!.rows {
            if case .string(let account) = row[codeInMaster] { accounts.insert(account) }
        }
        // Rows go in key order (Company, GlCode, GlYear), so each write appends.
        for account in accounts.sorted(by: { Value.compareBytes($0, $1) < 0 }) {
            var balance = openingBalance(account)
            for y in years {
                let moved = movements[account]?[y] ?? Array(repeating: 0, count: periods + 1)
                var b = RowBuilder(history)
                b.set("Company", company)
                b.set("GlCode", account)
                b.set("GlYear", whole: Int(y))
                b.set("BeginYearBalance", unscaled: balance)
                for p in 1...periods {
                    balance += moved[p]
                    b.set("ClosingBalPer\(p)", unscaled: balance)
                }
                state.write("GenHistory", b.values)
            }
        }
    }

    /// Posts the lines of one journal (already written to GenTransaction) into GenHistory; returns whether any
    /// GenHistory row changed.
    @discardableResult
    static func post(_ state: inout CompanyState, company: String, year: Int, period: Int, journal: Int) -> Bool {
        let table = state.tables["GenTransaction"]!
        let prefix: [Value] = [.decimal(Int64(year)), .decimal(Int64(period)), .decimal(Int64(journal))]
        let code = transactions.position(of: "GlCode")!
        let value = transactions.position(of: "EntryValue")!
        var changed = false
        var index = table.lowerBound(keyPrefix: prefix)
        while index < table.rows.count, table.comparePrefix(table.rows[index], prefix) == 0 {
            let row = table.rows[index]
            index += 1
            guard case .string(let account) = row[code], case .decimal(let cents) = row[value], cents != 0 else {
                continue
            }
            move(&state, company: company, account: account, year: year, period: period, by: cents)
            changed = true
        }
        return changed
    }

    /// Adds `cents` to the account's closing balances from `period` on, and to every later year's row.
    private static func move(
        _ state: inout CompanyState,
        company: String,
        account: String,
        year: Int,
        period: Int,
        by cents: Int64
    ) {
        var key = RowBuilder(history)
        key.set("Company", company)
        key.set("GlCode", account)
        let keyPrefix = [key.get("Company"), key.get("GlCode")]
        if state.tables["GenHistory"]!.find(key: keyPrefix + [.decimal(Int64(year))]) == nil {
            // First posting of the account in this year: open it at the previous year's closing balance.
            var opening = openingBalance(account)
            let previous = state.tables["GenHistory"]!.find(key: keyPrefix + [.decimal(Int64(year - 1))])
            if let previous {
                opening = RowBuilder(history, row: state.tables["GenHistory"]!.rows[previous])
                    .unscaled("ClosingBalPer\(periods)")
            }
            var b = RowBuilder(history)
            b.set("Company", company)
            b.set("GlCode", account)
            b.set("GlYear", whole: year)
            b.set("BeginYearBalance", unscaled: opening)
            for p in 1...periods { b.set("ClosingBalPer\(p)", unscaled: opening) }
            state.write("GenHistory", b.values)
        }
        let table = state.tables["GenHistory"]!
        var index = table.find(key: keyPrefix + [.decimal(Int64(year))])!
        while index < table.rows.count, table.comparePrefix(table.rows[index], keyPrefix) == 0 {
            var b = RowBuilder(history, row: table.rows[index])
            let later = b.unscaled("GlYear") > Int64(year)
            if later { b.set("BeginYearBalance", unscaled: b.unscaled("BeginYearBalance") + cents) }
            for p in (later ? 1 : period)...periods {
                b.set("ClosingBalPer\(p)", unscaled: b.unscaled("ClosingBalPer\(p)") + cents)
            }
            state.write("GenHistory", b.values)
            index += 1
        }
    }

    /// The account's balance before the first simulated year: a fixed function of the code (FNV-1a), within
    /// ±1,000,000.00, so it is the same on every run and draws nothing from the generator's random stream.
    static func openingBalance(_ account: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in account.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(hash % 200_000_001) - 100_000_000
    }
}
