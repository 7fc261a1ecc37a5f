/// Generates a company's initial data, deterministic for (seed, scale, company, glRows).
///
/// The data is built to break naive connectors: padded keys (`'000000000150802'`, `' 00001'`,
/// `'    10'`), trailing pad spaces on `char` columns, amounts up to 999999999999.99 and
/// negative, `decimal(18,6)` quantities a Double would round, Unicode, quotes, backslashes,
/// control characters and cp1252-only characters, NULL dates and strings, balanced GL journals,
/// and FORCED/RETAINED GL rows.
struct Generator {
    let seed: UInt64
    let scale: Double
    let company: String
    /// GenTransaction row count; nil means 20k × scale.
    let glRows: Int?

    /// Above this many GL lines, GenJournalCtl/GenJournalDetail cover only the latest GlYear
    /// (keeps memory bounded for multi-million-row benchmarks).
    static let fullJournalDetailLimit = 200_000

    /// Names that exercise escaping and encodings: quotes, backslash, tab, newline, U+0001,
    /// Latin-1, cp1252-only (€ œ ’), CJK and an emoji (outside the BMP).
    static let trickyNames = [
        "Café Müller GmbH", "O'Brien & Sons \"Wholesale\"", "Back\\slash Ltd", "中文供应商有限公司",
        "Emoji 🚚 Freight", "Œuvre €uro Supplies", "Tab\tSeparated Co", "Line\nBreak Pty",
        "Ctrl\u{01}Char Inc", "Smart ’Quotes’ Ltd", "Naïve Façade SA", "Plain Supplies",
        "Acme Manufacturing", "Northwind Traders", "Contoso Ltd", "Fabrikam Inc",
    ]

    static let warehouses = ["FG", "RM", "   10", "MAIN", "E1"]
    static let currencies = ["USD", "EUR", "ZAR", "GBP"]

    func count(_ base: Int) -> Int { max(1, Int((Double(base) * scale).rounded())) }

    /// A date between 2023-01-01 and 2025-12-31.
    static func randomDate(_ r: inout SplitMix64) -> Int32 {
        CivilDate.days(year: 2023, month: 1, day: 1) + Int32(r.int(0...1095))
    }

    /// Money in `decimal(14,2)`: mostly ordinary, sometimes the column maximum, sometimes negative.
    static func money(_ r: inout SplitMix64) -> Int64 {
        if r.chance(0.005) { return 99_999_999_999_999 }
        let v = Int64(r.int(1...50_000_000))
        return r.chance(0.08) ? -v : v
    }

    func supplierKey(_ i: Int) -> String {
        switch i % 3 {
        case 0: return String(repeating: " ", count: max(0, 6 - String(i).count)) + String(i)
        case 1: return String(repeating: "0", count: max(0, 6 - String(i).count)) + String(i)
        default: return "SUP\(i)"
        }
    }

    func customerKey(_ i: Int) -> String {
        i % 2 == 0 ? " " + String(repeating: "0", count: max(0, 5 - String(i).count)) + String(i) : "C\(i)"
    }

    func stockKey(_ i: Int) -> String {
        switch i % 3 {
        case 0: return String(repeating: "0", count: max(0, 6 - String(i).count)) + String(i)
        case 1: return "A\(i)-BOLT"
        default: return "  \(i)"
        }
    }

    /// PO numbers: zero-filled to 15 (`000000000150802`) or, for every fourth, a leading space
    /// and five digits (`' 00003'`); numbers from 100000 on (new POs in `advance`) use the upper
    /// half of the five-digit range so they never collide with generated ones.
    static func purchaseOrderKey(_ i: Int) -> String {
        guard i % 4 == 3 else {
            return String(repeating: "0", count: 15 - String(150_000 + i).count) + String(150_000 + i)
        }
        let short = i % 50_000 + (i >= 100_000 ? 50_000 : 0)
        return " " + String(repeating: "0", count: max(0, 5 - String(short).count)) + String(short)
    }

    func glCodes() -> [(code: String, type: String)] {
        let types = ["A", "L", "C", "R", "E"]
        var codes: [(String, String)] = []
        for i in 0..<count(150) {
            let type = types[i % 5]
            let base = ["A": 1000, "L": 2000, "C": 3000, "R": 4000, "E": 5000][type]!
            codes.append(("\(base + i)-\(threeDigits(i % 7))", type))
        }
        return codes
    }

    func generate() -> CompanyState {
        var state = CompanyState()
        var r = SplitMix64(seed: seed, stream: "generate/\(company)")
        let suppliers = (0..<count(200)).map(supplierKey)
        let customers = (0..<count(300)).map(customerKey)
        let stock = (0..<count(500)).map(stockKey)
        let gl = glCodes()

        for (i, key) in suppliers.enumerated() {
            var b = RowBuilder(Catalog.apSupplier)
            b.set("Supplier", key)
            b.set("SupplierName", Self.trickyNames[i % Self.trickyNames.count] + " \(i)")
            b.set("SupShortName", "SUP \(i)")
            b.set("SupplierType", r.pick(["A", "B", " "]))
            b.set("SupplierClass", r.pick(["LOCAL", "IMPORT"]))
            b.set("Branch", r.pick(["10", "20", "HQ"]))
            b.set("Telephone", "+27 11 555 \(1000 + i)")
            b.set("Contact", r.chance(0.1) ? "" : "Contact \(i)")
            b.set("Email", "ap\(i)@example.invalid")
            b.set("Currency", r.pick(Self.currencies))
            b.set("CurrentBalance", unscaled: Self.money(&r))
            b.set("PyrEndBalance", unscaled: Self.money(&r))
            b.set("TermsCode", r.pick(["30", "60", "CD"]))
            b.set("MerchGlCode", gl[i % gl.count].code)
            b.set("PurchValMth1", unscaled: Self.money(&r))
            b.set("OnHold", r.chance(0.05) ? "Y" : "N")
            b.set("PayByEft", r.chance(0.7) ? "Y" : "N")
            b.set("LastPurchDate", date: r.chance(0.2) ? nil : Self.randomDate(&r))
            b.set("FirstPurchDate", date: r.chance(0.2) ? nil : Self.randomDate(&r))
            b.set("DateSuppAdded", date: Self.randomDate(&r))
            state.write("ApSupplier", b.values)
        }
        for (i, key) in customers.enumerated() {
            var b = RowBuilder(Catalog.arCustomer)
            b.set("Customer", key)
            b.set("Name", Self.trickyNames[(i + 5) % Self.trickyNames.count] + " Customer \(i)")
            b.set("ShortName", "CUST \(i)")
            b.set("CustomerType", r.pick(["1", "2", " "]))
            b.set("MasterAccount", i % 10 == 0 ? key : "")
            b.set("CreditStatus", r.pick(["0", "1", "9"]))
            b.set("CreditLimit", whole: r.int(0...5_000_000))
            b.set("Salesperson", "SP\(i % 12)")
            b.set("CustomerClass", r.pick(["RETAIL", "TRADE"]))
            b.set("Branch", r.pick(["10", "20", "HQ"]))
            b.set("TermsCode", r.pick(["30", "60", "CD"]))
            b.set("Area", r.pick(["NORTH", "SOUTH", "EXPORT"]))
            b.set("Telephone", "+27 21 555 \(2000 + i)")
            b.set("Contact", "Buyer \(i)")
            b.set("Currency", r.pick(Self.currencies))
            b.set("OutstOrdVal", unscaled: Self.money(&r))
            b.set("HighestBalance", unscaled: Self.money(&r))
            b.set("CustomerOnHold", r.chance(0.04) ? "Y" : "N")
            b.set("Email", "ar\(i)@example.invalid")
            b.set("SoldToAddr1", r.chance(0.1) ? "Straße 1, Zürich" : "\(i) Main Road")
            b.set("DateLastSale", date: r.chance(0.2) ? nil : Self.randomDate(&r))
            b.set("DateLastPay", date: r.chance(0.3) ? nil : Self.randomDate(&r))
            b.set("DateCustAdded", date: Self.randomDate(&r))
            state.write("ArCustomer", b.values)
        }
        for i in 0..<count(2000) {
            state.write("ApInvoice", Self.apInvoiceRow(&r, supplier: r.pick(suppliers), number: i))
        }
        for i in 0..<count(2000) {
            state.write("ArInvoice", Self.arInvoiceRow(&r, customer: r.pick(customers), number: i))
        }
        for i in 0..<count(500) {
            Self.writePurchaseOrder(
                &state,
                &r,
                key: Self.purchaseOrderKey(i),
                supplier: r.pick(suppliers),
                stock: stock
            )
        }
        for (i, key) in stock.enumerated() {
            var b = RowBuilder(Catalog.invMaster)
            b.set("StockCode", key)
            b.set("Description", Self.trickyNames[(i + 3) % Self.trickyNames.count] + " item \(i)")
            b.set("LongDesc", r.chance(0.3) ? nil : "Long description with \"quotes\" and 'apostrophes' #\(i)")
            b.set("StockUom", r.pick(["EA", "KG", "M"]))
            b.set("AlternateUom", "LB")
            b.set("ConvFactAltUom", unscaled: 2_204_620)
            b.set("Mass", unscaled: Int64(r.int(0...999_999_999)) * 1_000_000 + Int64(r.int(0...999_999)))
            b.set("Decimals", whole: r.int(0...3))
            b.set("Supplier", r.pick(suppliers))
            b.set("ProductClass", r.pick(["FIN", "RAW", "SPARES"]))
            b.set("TaxCode", "A")
            b.set("PartCategory", r.pick(["B", "M"]))
            b.set("WarehouseToUse", r.pick(Self.warehouses))
            b.set("LabourCost", unscaled: Int64(r.int(0...99_999_999)))
            b.set("MaterialCost", unscaled: Int64(r.int(0...999_999_999)))
            b.set("Ebq", unscaled: 12_345_678_123_457)
            b.set("LeadTime", whole: r.int(0...90))
            b.set("StockOnHold", r.chance(0.03) ? "Y" : " ")
            b.set("DateStkAdded", date: r.chance(0.1) ? nil : Self.randomDate(&r))
            state.write("InvMaster", b.values)
            for w in Self.warehouses where r.chance(0.6) {
                state.write(
                    "InvWarehouse",
                    Self.invWarehouseRow(&r, stock: key, warehouse: w, supplier: r.pick(suppliers))
                )
            }
        }
        for (i, account) in gl.enumerated() {
            var b = RowBuilder(Catalog.genMaster)
            b.set("Company", company)
            b.set("GlCode", account.code)
            b.set("Description", Self.trickyNames[i % Self.trickyNames.count] + " account")
            b.set("AccountType", account.type)
            b.set("ReportIndex1", "RI\(i % 20)")
            b.set("ReportIndex2", "")
            b.set("GlGroup", "G\(i % 9)")
            b.set("CurrentBalance", unscaled: Self.money(&r))
            b.set("PrevPerEndBal", unscaled: Self.money(&r))
            b.set("DateLastPosted", date: r.chance(0.2) ? nil : Self.randomDate(&r))
            state.write("GenMaster", b.values)
        }
        for special in ["FORCED", "RETAINED"] {
            var b = RowBuilder(Catalog.genMaster)
            b.set("Company", company)
            b.set("GlCode", special)
            b.set("Description", special == "FORCED" ? "Forced balance" : "Retained earnings")
            b.set("AccountType", special == "FORCED" ? "A" : "C")
            state.write("GenMaster", b.values)
        }
        generateJournals(&state, &r, gl: gl.map(\.code), suppliers: suppliers, customers: customers)
        GeneralLedgerHistory.rebuild(&state, company: company)
        state.reindexAll()
        return state
    }

    /// Balanced journals in key order: GenTransaction lines, plus GenJournalCtl/Detail twins.
    private func generateJournals(
        _ state: inout CompanyState,
        _ r: inout SplitMix64,
        gl: [String],
        suppliers: [String],
        customers: [String]
    ) {
        let target = glRows ?? count(20_000)
        let periods = 36
        let perPeriod = max(1, target / periods)
        var written = 0
        let full = target <= Self.fullJournalDetailLimit
        for p in 0..<periods {
            let year = 2023 + p / 12
            let period = p % 12 + 1
            var journal = 1
            let goal = p == periods - 1 ? target - written : perPeriod
            var inPeriod = 0
            while inPeriod < goal {
                let lines = min(goal - inPeriod, r.int(2...10))
                let entries = Self.balancedEntries(&r, lines: lines)
                let date = CivilDate.days(year: year, month: period, day: r.int(1...28))
                let source = r.pick(["GJ", "AP", "AR", "IC", "PO"])
                Self.writeJournal(
                    &state,
                    &r,
                    company: company,
                    year: year,
                    period: period,
                    journal: journal,
                    date: date,
                    source: source,
                    entries: entries,
                    gl: gl,
                    suppliers: suppliers,
                    customers: customers,
                    withDetail: full || year == 2025
                )
                inPeriod += lines
                journal += 1
            }
            written += inPeriod
        }
    }

    /// Line values that sum to exactly zero: debits positive, credits negative. A one-line
    /// journal cannot balance, so `lines` below 2 yields a single zero-value line.
    static func balancedEntries(_ r: inout SplitMix64, lines: Int) -> [Int64] {
        guard lines >= 2 else { return [0] }
        if r.chance(0.003) { return [99_999_999_999_999, -99_999_999_999_999] + Array(repeating: 0, count: lines - 2) }
        var values: [Int64] = []
        var sum: Int64 = 0
        for _ in 0..<(lines - 1) {
            let v = Int64(r.int(1...10_000_000)) * (r.chance(0.5) ? 1 : -1)
            values.append(v)
            sum += v
        }
        values.append(-sum)
        return values
    }
}

/// Zero-padded three-digit text.
func threeDigits(_ value: Int) -> String {
    let digits = "\(value)"
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
