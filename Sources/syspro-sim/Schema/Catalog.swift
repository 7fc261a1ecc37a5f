/// The simulated SYSPRO company database: 13 tables with a representative subset of the real
/// columns (every column the reference bolds, the keys, dates and amounts), typed as SYSPRO's SQL
/// declares them (reference §3).
///
/// This is the simulator's own model, written independently of the connector's catalog so an
/// end-to-end test catches a catalog mistake instead of repeating it. Where the reference marks a
/// key or type unknown ([?]), the choice made here is noted.
enum Catalog {
    static let apSupplier = TableSchema(
        "ApSupplier",
        key: ["Supplier"],
        [
            vc("Supplier", 15), vc("SupplierName", 50), ch("SupShortName", 20), ch("SupplierType", 1),
            ch("SupplierClass", 10), ch("Branch", 10), vc("Telephone", 20), vc("Contact", 50), vc("Email", 255),
            ch("Currency", 3), dec("CurrentBalance", 14, 2), dec("PyrEndBalance", 14, 2), ch("TermsCode", 2),
            vc("MerchGlCode", 35), dec("PurchValMth1", 14, 2), ch("OnHold", 1), ch("PayByEft", 1),
            dt("LastPurchDate"), dt("FirstPurchDate"), dt("DateSuppAdded"),
        ]
    )

    static let arCustomer = TableSchema(
        "ArCustomer",
        key: ["Customer"],
        [
            vc("Customer", 15), vc("Name", 50), ch("ShortName", 20), ch("CustomerType", 1), vc("MasterAccount", 15),
            ch("CreditStatus", 1), dec("CreditLimit", 12, 0), ch("Salesperson", 20), ch("CustomerClass", 10),
            ch("Branch", 10), ch("TermsCode", 2), ch("Area", 10), vc("Telephone", 20), vc("Contact", 50),
            ch("Currency", 3), dec("OutstOrdVal", 14, 2), dec("HighestBalance", 14, 2), ch("CustomerOnHold", 1),
            vc("Email", 255), vc("SoldToAddr1", 40), dt("DateLastSale"), dt("DateLastPay"), dt("DateCustAdded"),
        ]
    )

    static let apInvoice = TableSchema(
        "ApInvoice",
        key: ["Supplier", "Invoice"],
        [
            vc("Supplier", 15), vc("Invoice", 20), dec("NextPaymEntry", 10, 0), dt("JournalDate"),
            dec("Journal", 10, 0), ch("Branch", 10), dt("InvoiceDate"), dt("DiscountDate"), dt("DueDate"),
            vc("Reference", 30, null: true), dec("OrigInvValue", 14, 2), dec("OrigDiscValue", 14, 2),
            dec("MthInvBal1", 14, 2), dec("MthInvBal2", 14, 2), dec("MthInvBal3", 14, 2), ch("InvoiceStatus", 1),
            ch("Currency", 3), dec("InvoiceYear", 4, 0), dec("InvoiceMonth", 2, 0), dec("ExchangeRate", 12, 6),
            dec("CurrencyValue", 14, 2), ch("FirstTaxCode", 3), dec("WithTaxValue", 14, 2), dt("ManualChqDate"),
        ]
    )

    static let arInvoice = TableSchema(
        "ArInvoice",
        key: ["Customer", "Invoice", "DocumentType"],
        [
            vc("Customer", 15), vc("Invoice", 20), ch("DocumentType", 1), dec("NextPaymEntry", 10, 0),
            dt("InvoiceDate"), vc("SalesOrder", 20), vc("CustomerPoNumber", 30, null: true), ch("Salesperson", 20),
            ch("Branch", 10), ch("TermsCode", 2), dec("OrigDiscValue", 14, 2), dec("InvoiceBal1", 14, 2),
            dec("InvoiceBal2", 14, 2), dec("InvoiceBal3", 14, 2), dec("InvoiceYear", 4, 0), dec("InvoiceMonth", 2, 0),
            dec("CurrencyValue", 14, 2), ch("PostCurrency", 3), dec("ConvRate", 12, 6), dec("TaxPortion", 14, 2),
            dec("DiscBal", 14, 2), dt("PodEntryDate"), dec("OrigInvRate", 12, 6),
        ]
    )

    static let porMasterHdr = TableSchema(
        "PorMasterHdr",
        key: ["PurchaseOrder"],
        [
            vc("PurchaseOrder", 20), dec("NextDetailLine", 4, 0), ch("OrderStatus", 1), ch("ActiveFlag", 1),
            ch("CancelledFlag", 1), vc("Supplier", 15), dt("OrderEntryDate"), dt("OrderDueDate"),
            dt("DateLastDocPrt"), ch("OrderType", 1), vc("CustomerPoNumber", 30), ch("PaymentTerms", 3),
            ch("Warehouse", 10), ch("Currency", 3), dec("ExchangeRate", 12, 6), dt("DatePoCompleted"),
            vc("Buyer", 20), vc("DeliveryName", 50), vc("DeliveryAddr1", 40), dec("DiscPct1", 5, 2),
        ]
    )

    static let porMasterDetail = TableSchema(
        "PorMasterDetail",
        key: ["PurchaseOrder", "Line"],
        [
            vc("PurchaseOrder", 20), dec("Line", 4, 0), ch("LineType", 1), vc("MStockCode", 30),
            vc("MStockDes", 50), ch("MWarehouse", 10), ch("MOrderUom", 10), dec("MOrderQty", 18, 6),
            dec("MReceivedQty", 18, 6), dt("MLatestDueDate"), dt("MLastReceiptDat"), dec("MPrice", 15, 5),
            dec("MForeignPrice", 15, 5), dec("MDiscValue", 14, 2), ch("MCompleteFlag", 1), vc("MGlCode", 35),
            vc("NComment", 100, null: true), dec("NMscChargeValue", 14, 2), ch("OrderLineStatus", 1),
            dt("MOrigDueDate"),
        ]
    )

    static let genMaster = TableSchema(
        "GenMaster",
        key: ["Company", "GlCode"],
        [
            ch("Company", 4), vc("GlCode", 35), vc("Description", 50), ch("AccountType", 1),
            vc("ReportIndex1", 35), vc("ReportIndex2", 35), vc("GlGroup", 10), dec("CurrentBalance", 14, 2),
            dec("PrevPerEndBal", 14, 2), dt("DateLastPosted"),
        ]
    )

    /// GenHistory: per account and financial year, the balance at the start of the year and at the close of each
    /// period (reference §3.10, [C] BB: `BeginYearBalance`, `ClosingBalPer1`…`ClosingBalPer13`, the 13th being the
    /// year-end adjustment period). Kept by posting, like SYSPRO: see `GeneralLedgerHistory`. The balance types are
    /// [I]; they are declared decimal(18,2), wider than a posting's decimal(14,2), because a balance accumulates
    /// postings and this ledger holds edge-case postings of 999,999,999,999.99.
    static let genHistory = TableSchema(
        "GenHistory",
        key: ["Company", "GlCode", "GlYear"],
        [ch("Company", 4), vc("GlCode", 35), dec("GlYear", 4, 0), dec("BeginYearBalance", 18, 2)]
            + (1...GeneralLedgerHistory.periods).map { dec("ClosingBalPer\($0)", 18, 2) }
    )

    /// GenTransaction's key is [?] in the reference; this simulator uses (GlYear, GlPeriod, Journal, GlLine).
    static let genTransaction = TableSchema(
        "GenTransaction",
        key: ["GlYear", "GlPeriod", "Journal", "GlLine"],
        [
            ch("Company", 4), vc("GlCode", 35), dec("GlYear", 4, 0), dec("GlPeriod", 2, 0), dec("GlLine", 10, 0),
            ch("Source", 2), dec("Journal", 10, 0), dt("JnlDate"), vc("Reference", 50), dec("EntryValue", 14, 2),
            vc("Comment", 250, null: true), dt("TransactionDate"), dec("SubModJournal", 10, 0),
            vc("SubModApInvoice", 20), vc("SubModSupplier", 15), vc("SubModArInvoice", 20),
            vc("SubModCustomer", 15), vc("SubModRef", 30), vc("SubModStock", 30), ch("SubModWh", 10),
            vc("SubModTransDesc", 50),
        ]
    )

    static let genJournalCtl = TableSchema(
        "GenJournalCtl",
        key: ["GlYear", "GlPeriod", "GlJournal"],
        [
            dec("GlYear", 4, 0), dec("GlPeriod", 2, 0), dec("GlJournal", 10, 0), ch("JnlPrintFlag", 1),
            dt("JournalDate"), dec("NumOfEntries", 10, 0), dec("DebitAmount", 14, 2), dec("CreditAmount", 14, 2),
            ch("JnlPostingType", 1), ch("Source", 2), vc("Operator", 20), ch("JnlStatus", 1), vc("Reference", 50),
            vc("AuthorisedBy", 20), ch("Authorised", 1), dt("PostDate"), vc("Notation", 100, null: true),
            ch("JournalSource", 2),
        ]
    )

    static let genJournalDetail = TableSchema(
        "GenJournalDetail",
        key: ["GlYear", "GlPeriod", "Journal", "EntryNumber"],
        [
            dec("GlYear", 4, 0), dec("GlPeriod", 2, 0), dec("Journal", 10, 0), dec("EntryNumber", 10, 0),
            ch("EntryType", 1), vc("GlCode", 35), vc("Reference", 50), vc("Comment", 250, null: true),
            dec("EntryValue", 14, 2), dt("EntryDate"), ch("EntryPosted", 1), ch("Company", 4),
            dec("CurrencyValue", 14, 2), ch("PostCurrency", 3), ch("Source", 2), dt("TransactionDate"),
            dt("DocumentDate"),
        ]
    )

    static let invMaster = TableSchema(
        "InvMaster",
        key: ["StockCode"],
        [
            vc("StockCode", 30), vc("Description", 50), vc("LongDesc", 100, null: true), ch("StockUom", 10),
            ch("AlternateUom", 10), dec("ConvFactAltUom", 12, 6), dec("Mass", 18, 6), dec("Decimals", 1, 0),
            vc("Supplier", 15), ch("ProductClass", 20), ch("TaxCode", 3), ch("PartCategory", 1),
            ch("WarehouseToUse", 10), dec("LabourCost", 15, 5), dec("MaterialCost", 15, 5), dec("Ebq", 18, 6),
            dec("LeadTime", 10, 0), ch("StockOnHold", 1), dt("DateStkAdded"),
        ]
    )

    static let invWarehouse = TableSchema(
        "InvWarehouse",
        key: ["StockCode", "Warehouse"],
        [
            vc("StockCode", 30), ch("Warehouse", 10), dec("QtyOnHand", 18, 6), dec("QtyAllocated", 18, 6),
            dec("QtyOnOrder", 18, 6), dec("QtyOnBackOrder", 18, 6), dec("QtyInTransit", 18, 6),
            dec("MinimumQty", 18, 6), dec("MaximumQty", 18, 6), dec("UnitCost", 15, 5), ch("DefaultBin", 20),
            dec("MtdSalesValue", 14, 2), dec("YtdSalesValue", 14, 2), vc("Supplier", 15), dt("DateLastSale"),
            dt("DateLastStockMove"), dt("DateWhAdded"),
        ]
    )

    /// Every table, in the order `$metadata` lists them.
    static let all: [TableSchema] = [
        apSupplier, arCustomer, apInvoice, arInvoice, porMasterHdr, porMasterDetail, genMaster, genHistory,
        genTransaction, genJournalCtl, genJournalDetail, invMaster, invWarehouse,
    ]

    private static let byName: [String: TableSchema] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The table with this exact (case-sensitive) name.
    static func table(_ name: String) -> TableSchema? { byName[name] }
}
