/// Row makers shared by initial generation and `Business.advance`.
extension Generator {
    static let trickyReferences: [String?] = [
        nil, "PO ref 'quoted'", "C:\\invoices\\2024", "Line1\nLine2", "Tab\there", "€ 100 deposit", "",
        "   leading spaces", "trailing spaces   ", "Œil-de-bœuf ’24",
    ]

    static func apInvoiceRow(_ r: inout SplitMix64, supplier: String, number: Int) -> [Value] {
        var b = RowBuilder(Catalog.apInvoice)
        b.set("Supplier", supplier)
        b.set(
            "Invoice",
            number % 5 == 0
                ? String(repeating: "0", count: 7 - min(7, String(number).count)) + "\(number)" : "INV-\(number)"
        )
        let invoiceDate = randomDate(&r)
        b.set("NextPaymEntry", whole: r.int(0...3))
        b.set("JournalDate", date: invoiceDate)
        b.set("Journal", whole: r.int(1...9999))
        b.set("Branch", r.pick(["10", "20", "HQ"]))
        b.set("InvoiceDate", date: invoiceDate)
        b.set("DiscountDate", date: r.chance(0.6) ? nil : invoiceDate + 10)
        b.set("DueDate", date: invoiceDate + 30)
        b.set("Reference", r.pick(trickyReferences))
        let value = money(&r)
        b.set("OrigInvValue", unscaled: value)
        b.set("OrigDiscValue", unscaled: value / 50)
        let balance = r.chance(0.4) ? 0 : (r.chance(0.5) ? value : value / 2)
        b.set("MthInvBal1", unscaled: balance)
        b.set("MthInvBal2", unscaled: balance)
        b.set("MthInvBal3", unscaled: 0)
        b.set("InvoiceStatus", balance == 0 ? "P" : " ")
        b.set("Currency", r.pick(currencies))
        let (y, m, _) = CivilDate.civil(invoiceDate)
        b.set("InvoiceYear", whole: y)
        b.set("InvoiceMonth", whole: m)
        b.set("ExchangeRate", unscaled: Int64(r.int(500_000...20_000_000)))
        b.set("CurrencyValue", unscaled: value)
        b.set("FirstTaxCode", r.pick(["A", "B", "EXM"]))
        b.set("WithTaxValue", unscaled: 0)
        b.set("ManualChqDate", date: nil)
        return b.values
    }

    static func arInvoiceRow(_ r: inout SplitMix64, customer: String, number: Int) -> [Value] {
        var b = RowBuilder(Catalog.arInvoice)
        b.set("Customer", customer)
        b.set("Invoice", String(repeating: "0", count: max(0, 9 - String(number).count)) + "\(number)")
        b.set("DocumentType", r.pick(["I", "I", "I", "C", "D"]))
        b.set("NextPaymEntry", whole: r.int(0...3))
        let invoiceDate = randomDate(&r)
        b.set("InvoiceDate", date: invoiceDate)
        b.set("SalesOrder", r.chance(0.3) ? "" : String(repeating: "0", count: 9) + "\(100_000 + number)")
        b.set("CustomerPoNumber", r.pick(trickyReferences))
        b.set("Salesperson", "SP\(number % 12)")
        b.set("Branch", r.pick(["10", "20", "HQ"]))
        b.set("TermsCode", r.pick(["30", "60", "CD"]))
        let value = money(&r)
        b.set("OrigDiscValue", unscaled: value / 40)
        let balance = r.chance(0.4) ? 0 : value
        b.set("InvoiceBal1", unscaled: balance)
        b.set("InvoiceBal2", unscaled: balance)
        b.set("InvoiceBal3", unscaled: 0)
        let (y, m, _) = CivilDate.civil(invoiceDate)
        b.set("InvoiceYear", whole: y)
        b.set("InvoiceMonth", whole: m)
        b.set("CurrencyValue", unscaled: value)
        b.set("PostCurrency", r.pick(currencies))
        b.set("ConvRate", unscaled: 1_000_000)
        b.set("TaxPortion", unscaled: value / 8)
        b.set("DiscBal", unscaled: 0)
        b.set("PodEntryDate", date: r.chance(0.7) ? nil : invoiceDate + 3)
        b.set("OrigInvRate", unscaled: 1_123_457)
        return b.values
    }

    static func writePurchaseOrder(
        _ state: inout CompanyState,
        _ r: inout SplitMix64,
        key: String,
        supplier: String,
        stock: [String]
    ) {
        let lines = r.int(1...8)
        let entry = randomDate(&r)
        var h = RowBuilder(Catalog.porMasterHdr)
        h.set("PurchaseOrder", key)
        h.set("NextDetailLine", whole: lines + 1)
        let cancelled = r.chance(0.05)
        h.set("OrderStatus", cancelled ? "*" : r.pick(["1", "4", "9"]))
        h.set("ActiveFlag", cancelled ? "N" : "Y")
        h.set("CancelledFlag", cancelled ? "Y" : " ")
        h.set("Supplier", supplier)
        h.set("OrderEntryDate", date: entry)
        h.set("OrderDueDate", date: entry + Int32(r.int(7...60)))
        h.set("DateLastDocPrt", date: r.chance(0.5) ? nil : entry + 1)
        h.set("OrderType", "L")
        h.set("CustomerPoNumber", "")
        h.set("PaymentTerms", "30")
        h.set("Warehouse", r.pick(warehouses))
        h.set("Currency", r.pick(currencies))
        h.set("ExchangeRate", unscaled: Int64(r.int(500_000...20_000_000)))
        h.set("DatePoCompleted", date: nil)
        h.set("Buyer", "BUYER\(r.int(1...5))")
        h.set("DeliveryName", trickyNames[r.int(0...(trickyNames.count - 1))])
        h.set("DeliveryAddr1", "Unit \(r.int(1...99)), Industrial Park")
        h.set("DiscPct1", unscaled: Int64(r.int(0...1500)))
        state.write("PorMasterHdr", h.values)
        for line in 1...lines {
            var d = RowBuilder(Catalog.porMasterDetail)
            d.set("PurchaseOrder", key)
            d.set("Line", whole: line)
            let comment = r.chance(0.1)
            d.set("LineType", comment ? "6" : "1")
            d.set("MStockCode", comment ? "" : r.pick(stock))
            d.set("MStockDes", comment ? "" : "Stock line \(line)")
            d.set("MWarehouse", r.pick(warehouses))
            d.set("MOrderUom", "EA")
            let qty = Int64(r.int(1...99_999_999)) * 1_000_000 + Int64(r.int(0...999_999))
            d.set("MOrderQty", unscaled: comment ? 0 : qty)
            d.set("MReceivedQty", unscaled: 0)
            d.set("MLatestDueDate", date: entry + 30)
            d.set("MLastReceiptDat", date: nil)
            d.set("MPrice", unscaled: Int64(r.int(1...999_999_999)))
            d.set("MForeignPrice", unscaled: 0)
            d.set("MDiscValue", unscaled: 0)
            d.set("MCompleteFlag", " ")
            d.set("MGlCode", "")
            d.set("NComment", comment ? "Deliver to gate 3\tafter 14:00\nAsk for “Sam”" : nil)
            d.set("NMscChargeValue", unscaled: 0)
            d.set("OrderLineStatus", " ")
            d.set("MOrigDueDate", date: entry + 30)
            state.write("PorMasterDetail", d.values)
        }
    }

    static func invWarehouseRow(_ r: inout SplitMix64, stock: String, warehouse: String, supplier: String) -> [Value] {
        var b = RowBuilder(Catalog.invWarehouse)
        b.set("StockCode", stock)
        b.set("Warehouse", warehouse)
        let qty = Int64(r.int(-1000...99_999_999)) * 1_000_000 + Int64(r.int(0...999_999))
        b.set("QtyOnHand", unscaled: qty)
        b.set("QtyAllocated", unscaled: Int64(r.int(0...1_000_000_000)))
        b.set("QtyOnOrder", unscaled: Int64(r.int(0...1_000_000_000)))
        b.set("QtyOnBackOrder", unscaled: 0)
        b.set("QtyInTransit", unscaled: 0)
        b.set("MinimumQty", whole: 10)
        b.set("MaximumQty", whole: 1000)
        b.set("UnitCost", unscaled: Int64(r.int(1...999_999_999)))
        b.set("DefaultBin", "B\(r.int(1...40))")
        b.set("MtdSalesValue", unscaled: money(&r))
        b.set("YtdSalesValue", unscaled: money(&r))
        b.set("Supplier", supplier)
        b.set("DateLastSale", date: r.chance(0.3) ? nil : randomDate(&r))
        b.set("DateLastStockMove", date: r.chance(0.2) ? nil : randomDate(&r))
        b.set("DateWhAdded", date: randomDate(&r))
        return b.values
    }

    /// Writes one journal: GenTransaction lines and (when `withDetail`) its GenJournalCtl header
    /// and GenJournalDetail entries, with identical values so both sides balance.
    static func writeJournal(
        _ state: inout CompanyState,
        _ r: inout SplitMix64,
        company: String,
        year: Int,
        period: Int,
        journal: Int,
        date: Int32,
        source: String,
        entries: [Int64],
        gl: [String],
        suppliers: [String],
        customers: [String],
        withDetail: Bool
    ) {
        let reference = "JNL \(year)/\(period)/\(journal)"
        var debit: Int64 = 0
        for (index, value) in entries.enumerated() {
            let line = index + 1
            let code = gl[r.int(0...(gl.count - 1))]
            let comment: String? =
                r.chance(0.1) ? nil : (r.chance(0.05) ? "Accrual\treversal\nsee memo" : "Line \(line)")
            var t = RowBuilder(Catalog.genTransaction)
            t.set("Company", company)
            t.set("GlCode", code)
            t.set("GlYear", whole: year)
            t.set("GlPeriod", whole: period)
            t.set("GlLine", whole: line)
            t.set("Source", source)
            t.set("Journal", whole: journal)
            t.set("JnlDate", date: date)
            t.set("Reference", reference)
            t.set("EntryValue", unscaled: value)
            t.set("Comment", comment)
            t.set("TransactionDate", date: date)
            t.set("SubModJournal", whole: source == "GJ" ? 0 : journal)
            if source == "AP" {
                t.set("SubModSupplier", suppliers[line % suppliers.count])
                t.set("SubModApInvoice", "INV-\(journal)")
            }
            if source == "AR" {
                t.set("SubModCustomer", customers[line % customers.count])
                t.set("SubModArInvoice", "\(journal)")
            }
            t.set("SubModTransDesc", source == "GJ" ? "" : "Posted from \(source)")
            state.write("GenTransaction", t.values)
            if value > 0 { debit += value }
            if withDetail {
                var d = RowBuilder(Catalog.genJournalDetail)
                d.set("GlYear", whole: year)
                d.set("GlPeriod", whole: period)
                d.set("Journal", whole: journal)
                d.set("EntryNumber", whole: line)
                d.set("EntryType", value >= 0 ? "D" : "C")
                d.set("GlCode", code)
                d.set("Reference", reference)
                d.set("Comment", comment)
                d.set("EntryValue", unscaled: value)
                d.set("EntryDate", date: date)
                d.set("EntryPosted", "Y")
                d.set("Company", company)
                d.set("CurrencyValue", unscaled: value)
                d.set("PostCurrency", "USD")
                d.set("Source", source)
                d.set("TransactionDate", date: date)
                d.set("DocumentDate", date: r.chance(0.2) ? nil : date)
                state.write("GenJournalDetail", d.values)
            }
        }
        guard withDetail else { return }
        var c = RowBuilder(Catalog.genJournalCtl)
        c.set("GlYear", whole: year)
        c.set("GlPeriod", whole: period)
        c.set("GlJournal", whole: journal)
        c.set("JnlPrintFlag", "Y")
        c.set("JournalDate", date: date)
        c.set("NumOfEntries", whole: entries.count)
        c.set("DebitAmount", unscaled: debit)
        c.set("CreditAmount", unscaled: -debit)
        c.set("JnlPostingType", "N")
        c.set("Source", source)
        c.set("Operator", "ADMIN")
        c.set("JnlStatus", "P")
        c.set("Reference", reference)
        c.set("AuthorisedBy", "ADMIN")
        c.set("Authorised", "Y")
        c.set("PostDate", date: date + 1)
        c.set("Notation", nil)
        c.set("JournalSource", source)
        state.write("GenJournalCtl", c.values)
    }
}
