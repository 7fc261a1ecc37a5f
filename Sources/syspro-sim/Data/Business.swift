/// The business moving on: each step is one realistic change to a company, deterministic for
/// the seed. Every insert and update takes a new rowversion; deletes make rows vanish.
///
/// Step kinds: new AP/AR invoices, payments that change balances (MthInvBal1, InvoiceBal1)
/// without changing any date, new POs and receipts (MReceivedQty, QtyOnHand), new balanced GL
/// journals (GenJournalCtl + GenJournalDetail + GenTransaction), back-dated invoices, renames of
/// suppliers and customers, voids (deleted invoices and PO lines) and stock movements.
struct Business {
    let company: String
    private var r: SplitMix64
    private var touched: Set<String> = []

    init(company: String, seed: UInt64) {
        self.company = company
        r = SplitMix64(seed: seed, stream: "advance/\(company)")
    }

    /// Applies `steps` changes and reindexes the touched tables; returns the number of row changes.
    mutating func advance(_ state: inout CompanyState, steps: Int) -> Int {
        var changes = 0
        for _ in 0..<steps { changes += step(&state) }
        for name in touched { state.tables[name]!.reindexStamps() }
        return changes
    }

    /// A date in the simulator's "current" month, December 2025.
    private mutating func today() -> Int32 { CivilDate.days(year: 2025, month: 12, day: r.int(1...28)) }

    private mutating func write(_ state: inout CompanyState, _ table: String, _ row: [Value]) {
        state.write(table, row)
        touched.insert(table)
    }

    private mutating func randomRow(_ state: CompanyState, _ table: String) -> [Value]? {
        let rows = state.tables[table]!.rows
        return rows.isEmpty ? nil : rows[r.int(0...(rows.count - 1))]
    }

    private func keyValues(_ schema: TableSchema, _ row: [Value]) -> [Value] { schema.key.map { row[$0] } }

    private mutating func step(_ state: inout CompanyState) -> Int {
        let suppliers = state.tables["ApSupplier"]!.rows.map { $0[0] }
        let customers = state.tables["ArCustomer"]!.rows.map { $0[0] }
        func text(_ v: Value) -> String {
            if case .string(let s) = v { return s }
            return ""
        }
        switch r.int(0...12) {
        case 0, 1:
            state.nextInvoice += 1
            var row = Generator.apInvoiceRow(&r, supplier: text(r.pick(suppliers)), number: state.nextInvoice)
            var b = RowBuilder(Catalog.apInvoice, row: row)
            let date = today()
            b.set("InvoiceDate", date: date)
            b.set("JournalDate", date: date)
            b.set("DueDate", date: date + 30)
            b.set("InvoiceYear", whole: 2025)
            b.set("InvoiceMonth", whole: 12)
            row = b.values
            write(&state, "ApInvoice", row)
            return 1
        case 2:
            // A payment: balances change, no date does.
            guard let row = randomRow(state, "ApInvoice") else { return 0 }
            var b = RowBuilder(Catalog.apInvoice, row: row)
            let balance = b.unscaled("MthInvBal1")
            let paid = r.chance(0.5) ? balance : balance / 2
            b.set("MthInvBal1", unscaled: balance - paid)
            b.set("MthInvBal2", unscaled: balance - paid)
            b.set("InvoiceStatus", balance - paid == 0 ? "P" : " ")
            write(&state, "ApInvoice", b.values)
            return 1
        case 3:
            state.nextInvoice += 1
            write(
                &state,
                "ArInvoice",
                Generator.arInvoiceRow(&r, customer: text(r.pick(customers)), number: state.nextInvoice)
            )
            return 1
        case 4:
            guard let row = randomRow(state, "ArInvoice") else { return 0 }
            var b = RowBuilder(Catalog.arInvoice, row: row)
            let balance = b.unscaled("InvoiceBal1")
            b.set("InvoiceBal1", unscaled: balance / 3)
            b.set("InvoiceBal2", unscaled: balance / 3)
            write(&state, "ArInvoice", b.values)
            return 1
        case 5:
            state.nextPurchaseOrder += 1
            let stock = state.tables["InvMaster"]!.rows.map { text($0[0]) }
            let before = state.tables["PorMasterDetail"]!.rows.count
            Generator.writePurchaseOrder(
                &state,
                &r,
                key: Generator.purchaseOrderKey(state.nextPurchaseOrder),
                supplier: text(r.pick(suppliers)),
                stock: stock
            )
            touched.formUnion(["PorMasterHdr", "PorMasterDetail"])
            return 1 + state.tables["PorMasterDetail"]!.rows.count - before
        case 6:
            // A receipt against a PO line, and the stock it brings in.
            guard let row = randomRow(state, "PorMasterDetail") else { return 0 }
            var b = RowBuilder(Catalog.porMasterDetail, row: row)
            let ordered = b.unscaled("MOrderQty")
            let received = min(ordered, b.unscaled("MReceivedQty") + ordered / 2 + 1)
            b.set("MReceivedQty", unscaled: received)
            b.set("MLastReceiptDat", date: today())
            b.set("MCompleteFlag", received == ordered ? "Y" : " ")
            write(&state, "PorMasterDetail", b.values)
            return 1 + moveStock(&state, quantity: ordered / 2 + 1)
        case 7, 8:
            return postJournal(&state)
        case 9:
            // A back-dated invoice: a business date years ago, entered today.
            state.nextInvoice += 1
            write(
                &state,
                "ApInvoice",
                Generator.apInvoiceRow(&r, supplier: text(r.pick(suppliers)), number: state.nextInvoice)
            )
            return 1
        case 10:
            let table = r.chance(0.5) ? "ApSupplier" : "ArCustomer"
            guard let row = randomRow(state, table) else { return 0 }
            var b = RowBuilder(table == "ApSupplier" ? Catalog.apSupplier : Catalog.arCustomer, row: row)
            let column = table == "ApSupplier" ? "SupplierName" : "Name"
            b.set(column, "\(text(b.get(column))) (renamed ’\(r.int(1...99)))")
            write(&state, table, b.values)
            return 1
        case 11:
            // A void: the row vanishes.
            let table = r.pick(["ApInvoice", "ArInvoice", "PorMasterDetail"])
            guard let row = randomRow(state, table) else { return 0 }
            state.tables[table]!.delete(key: keyValues(state.tables[table]!.schema, row))
            touched.insert(table)
            return 1
        default:
            let q = Int64(r.int(-5_000_000...5_000_000)) * 1000 + Int64(r.int(0...999))
            return moveStock(&state, quantity: q)
        }
    }

    private mutating func moveStock(_ state: inout CompanyState, quantity: Int64) -> Int {
        guard let row = randomRow(state, "InvWarehouse") else { return 0 }
        var b = RowBuilder(Catalog.invWarehouse, row: row)
        b.set("QtyOnHand", unscaled: b.unscaled("QtyOnHand") + quantity)
        b.set("DateLastStockMove", date: today())
        write(&state, "InvWarehouse", b.values)
        return 1
    }

    /// Posts a new balanced journal in an open period of 2025.
    private mutating func postJournal(_ state: inout CompanyState) -> Int {
        let period = r.int(10...12)
        let table = state.tables["GenTransaction"]!
        let end = table.lowerBound(keyPrefix: [.decimal(2025), .decimal(Int64(period + 1))])
        var journal = 1
        if end > 0, case .decimal(let y) = table.rows[end - 1][2], y == 2025,
            case .decimal(let p) = table.rows[end - 1][3], p == Int64(period),
            case .decimal(let j) = table.rows[end - 1][6]
        {
            journal = Int(j) + 1
        }
        let gl = state.tables["GenMaster"]!.rows.compactMap { row -> String? in
            if case .string(let s) = row[1], s != "FORCED", s != "RETAINED" { return s }
            return nil
        }
        let suppliers = state.tables["ApSupplier"]!.rows.compactMap { row -> String? in
            if case .string(let s) = row[0] { return s }
            return nil
        }
        let customers = state.tables["ArCustomer"]!.rows.compactMap { row -> String? in
            if case .string(let s) = row[0] { return s }
            return nil
        }
        let entries = Generator.balancedEntries(&r, lines: r.int(2...8))
        Generator.writeJournal(
            &state,
            &r,
            company: company,
            year: 2025,
            period: period,
            journal: journal,
            date: CivilDate.days(year: 2025, month: period, day: r.int(1...28)),
            source: r.pick(["GJ", "AP", "AR"]),
            entries: entries,
            gl: gl,
            suppliers: suppliers,
            customers: customers,
            withDetail: true
        )
        touched.formUnion(["GenTransaction", "GenJournalCtl", "GenJournalDetail"])
        if GeneralLedgerHistory.post(&state, company: company, year: 2025, period: period, journal: journal) {
            touched.insert("GenHistory")
        }
        return entries.count * 2 + 1
    }
}
