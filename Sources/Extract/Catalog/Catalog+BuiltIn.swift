/// The built-in SYSPRO tables, from /work/shared/reference/syspro.md §3 (column names and SQL types from an
/// introspected SYSPRO 7 company database [C] DJ; GL tables from the BlackBox procs [C] BB with inferred types).
///
/// Each entry is a representative column subset that includes every column the reference marks as important.
/// Key columns are `NOT NULL`; everything else is nullable, because SYSPRO's own schema makes most columns
/// nullable and a wrong `NOT NULL` would reject rows in BigQuery. Widths of `char`/`varchar` are recorded for
/// the schema only; values are never cut or padded.
///
/// Strategies: every table prefers the `TimeStamp` rowversion (present on 47 of 48 standard tables [C]). When
/// the server does not expose it, open items and masters fall back to a snapshot (their balances change with no
/// date changing, §4), and GL detail tables to a business-date window wide enough for back-dated postings.
extension Catalog {
    static let builtInEntries: [CatalogEntry] = [
        apSupplier, arCustomer, apInvoice, arInvoice, porMasterHdr, porMasterDetail, genMaster, genTransaction,
        genJournalCtl, genJournalDetail, invMaster, invWarehouse,
    ]

    /// GL detail can be posted into a period up to two months back; re-read that much each run.
    static let glLookBackDays = 62

    static let apSupplier = CatalogEntry(
        table: "ApSupplier",
        keyColumns: ["Supplier"],
        columns: [
            key("Supplier", .varchar(15)), col("SupplierName", .char(50)), col("SupShortName", .char(20)),
            col("SupplierType", .char(1)), col("SupplierClass", .char(10)), col("Branch", .char(10)),
            col("Telephone", .char(20)), col("Contact", .char(50)), col("Email", .char(255)),
            col("Currency", .char(3)), money("CurrentBalance"), money("PyrEndBalance"), col("TermsCode", .char(2)),
            col("MerchGlCode", .char(35)), col("FreightGlCode", .char(35)), col("TaxRegnNum", .char(20)),
            col("OnHold", .char(1)), col("PayByEft", .char(1)), col("DefTaxCode", .char(3)),
            date("LastPurchDate"), date("FirstPurchDate"), date("LastChequeDate"), date("DateSuppAdded"),
            timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["CurrentBalance"]
    )

    static let arCustomer = CatalogEntry(
        table: "ArCustomer",
        keyColumns: ["Customer"],
        columns: [
            // Width 15 in BB, 20 in a hand-edited DJ copy (§3.1): the wider is recorded.
            key("Customer", .varchar(20)), col("Name", .char(50)), col("ShortName", .char(20)),
            col("CustomerType", .char(1)), col("MasterAccount", .char(15)), col("CreditStatus", .char(1)),
            col("CreditLimit", .decimal(precision: 12, scale: 0)), col("Salesperson", .char(20)),
            col("CustomerClass", .char(10)), col("Branch", .char(10)), col("TermsCode", .char(2)),
            col("Area", .char(10)), col("TaxStatus", .char(1)), date("DateLastSale"), date("DateLastPay"),
            money("OutstOrdVal"), col("Telephone", .char(20)), col("Contact", .char(50)), col("Currency", .char(3)),
            date("DateCustAdded"), money("HighestBalance"), col("CustomerOnHold", .char(1)),
            col("Email", .char(255)), col("SoldPostalCode", .char(10)), col("CompanyTaxNumber", .char(15)),
            col("SalesWarehouse", .char(10)), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["OutstOrdVal", "CreditLimit"]
    )

    static let apInvoice = CatalogEntry(
        table: "ApInvoice",
        keyColumns: ["Supplier", "Invoice"],
        columns: [
            key("Supplier", .varchar(15)), key("Invoice", .varchar(20)), number("NextPaymEntry", 10),
            date("JournalDate"), number("Journal", 10), col("Branch", .char(10)), date("InvoiceDate"),
            date("DiscountDate"), date("DueDate"), col("Reference", .char(30)), money("OrigInvValue"),
            money("OrigDiscValue"), money("MthInvBal1"), money("MthInvBal2"), money("MthInvBal3"),
            col("InvoiceStatus", .char(1)), col("Currency", .char(3)), number("InvoiceYear", 4),
            number("InvoiceMonth", 2), rate("ExchangeRate"), money("CurrencyValue"), col("PostCurrency", .char(3)),
            rate("ConvRate"), col("MulDiv", .char(1)), money("TotalAdjustments"), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        businessDateColumn: "InvoiceDate",
        amountColumns: ["OrigInvValue", "MthInvBal1", "MthInvBal2"]
    )

    static let arInvoice = CatalogEntry(
        table: "ArInvoice",
        keyColumns: ["Customer", "Invoice", "DocumentType"],
        columns: [
            key("Customer", .varchar(20)), key("Invoice", .char(20)), key("DocumentType", .char(1)),
            number("NextPaymEntry", 10), date("InvoiceDate"), col("SalesOrder", .varchar(20)),
            col("CustomerPoNumber", .char(30)), col("Salesperson", .char(20)), col("Branch", .char(10)),
            col("Area", .char(10)), col("TermsCode", .char(2)), money("OrigDiscValue"), money("InvoiceBal1"),
            money("InvoiceBal2"), money("InvoiceBal3"), number("InvoiceYear", 4), number("InvoiceMonth", 2),
            date("PodEntryDate"), money("CurrencyValue"), col("PostCurrency", .char(3)), rate("ConvRate"),
            col("MulDiv", .char(1)), col("TaxStatus", .char(1)), money("TaxPortion"), col("TaxCode", .char(3)),
            money("DiscBal"), rate("OrigInvRate"), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        businessDateColumn: "InvoiceDate",
        amountColumns: ["InvoiceBal1", "InvoiceBal2", "CurrencyValue"],
        notes: "The reference's ArInvoice has no OrigInvValue (§3.3); add it by configuration where SYSPRO 8 has it."
    )

    static let porMasterHdr = CatalogEntry(
        table: "PorMasterHdr",
        keyColumns: ["PurchaseOrder"],
        columns: [
            key("PurchaseOrder", .varchar(20)), col("OrderStatus", .char(1)), col("ActiveFlag", .char(1)),
            col("CancelledFlag", .char(1)), col("Supplier", .varchar(15)), date("OrderEntryDate"),
            date("OrderDueDate"), date("MemoDate"), date("DatePoCompleted"), col("OrderType", .char(1)),
            col("SupplierClass", .char(10)), col("Customer", .varchar(20)), col("CustomerPoNumber", .char(30)),
            col("PaymentTerms", .char(3)), col("Warehouse", .char(10)),
            col("DiscPct1", .decimal(precision: 5, scale: 2)), col("Currency", .char(3)),
            col("TaxStatus", .char(1)), number("AmendedCount", 2), rate("ExchangeRate"), col("MulDiv", .char(1)),
            col("Buyer", .char(20)), col("DeliveryName", .char(50)), col("PostalCode", .char(10)),
            col("ContractNumber", .char(30)), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        businessDateColumn: "OrderEntryDate",
        amountColumns: []
    )

    static let porMasterDetail = CatalogEntry(
        table: "PorMasterDetail",
        keyColumns: ["PurchaseOrder", "Line"],
        columns: [
            key("PurchaseOrder", .varchar(20)), key("Line", .decimal(precision: 4, scale: 0)),
            col("LineType", .char(1)), col("MStockCode", .varchar(30)), col("MStockDes", .char(50)),
            col("MWarehouse", .char(10)), col("MOrderUom", .char(10)), col("MStockingUom", .char(10)),
            quantity("MOrderQty"), quantity("MReceivedQty"), date("MLatestDueDate"), date("MLastReceiptDat"),
            date("MOrigDueDate"), money("MDiscValue"), cost("MPrice"), cost("MForeignPrice"),
            col("MTaxCode", .char(3)), col("MProductClass", .char(20)), col("MCompleteFlag", .char(1)),
            col("MJob", .char(20)), col("MGlCode", .char(35)), col("NComment", .char(100)),
            money("NMscChargeValue"), col("OrderLineStatus", .char(1)), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["MOrderQty", "MReceivedQty", "NMscChargeValue"],
        notes: "PO lines carry no entry date (only due/receipt dates), so the table is partitioned by ingestion day."
    )

    static let genMaster = CatalogEntry(
        table: "GenMaster",
        keyColumns: ["Company", "GlCode"],
        columns: [
            key("Company", .char(4)), key("GlCode", .varchar(35)), col("Description", .varchar(50)),
            col("AccountType", .char(1)), col("ReportIndex1", .varchar(35)), col("ReportIndex2", .varchar(35)),
            col("GlGroup", .varchar(10)), money("CurrentBalance"), money("PrevPerEndBal"), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["CurrentBalance", "PrevPerEndBal"],
        notes: "Types mirror BB's temp tables ([I]); balances assumed decimal(14,2). FORCED and RETAINED are "
            + "system rows and are kept."
    )

    static let genTransaction = CatalogEntry(
        table: "GenTransaction",
        keyColumns: ["GlYear", "GlPeriod", "Journal", "GlLine"],
        columns: [
            col("Company", .char(4)), col("GlCode", .varchar(35)), key("GlYear", .decimal(precision: 4, scale: 0)),
            key("GlPeriod", .decimal(precision: 2, scale: 0)), key("Journal", .decimal(precision: 10, scale: 0)),
            key("GlLine", .decimal(precision: 10, scale: 0)), col("Source", .char(2)), date("JnlDate"),
            col("Reference", .varchar(50)), money("EntryValue"), col("Comment", .varchar(250)),
            date("TransactionDate"), number("SubModJournal", 10), number("SubModInvoiceReg", 10),
            col("SubModApInvoice", .varchar(20)), col("SubModArInvoice", .varchar(20)),
            col("SubModSupplier", .varchar(15)), col("SubModCustomer", .varchar(15)), col("SubModRef", .varchar(30)),
            col("SubModWh", .varchar(10)), col("SubModStock", .varchar(30)), col("SubModGrn", .varchar(20)),
            col("SubModJob", .varchar(20)), col("SubModSalesOrder", .varchar(20)),
            col("SubModTransDesc", .varchar(50)), timeStamp,
        ],
        changeStrategies: [.rowVersion, .businessDate(column: "JnlDate", lookBackDays: glLookBackDays)],
        businessDateColumn: "JnlDate",
        amountColumns: ["EntryValue"],
        notes: "The key is unconfirmed ([?] §3.11). (GlYear, GlPeriod, Journal, GlLine) is chosen because the GL "
            + "journal tables are keyed by (GlYear, GlPeriod, Journal, …) (§3.12), GenTransaction carries that Journal, "
            + "and GlLine numbers the lines a journal posts; a GlCode-first key cannot tell two postings of one journal "
            + "to one account apart unless GlLine is unique per account. Company is constant in a company database and "
            + "is left out. Override keyColumns by configuration once $metadata or SQL shows the real key; the OData "
            + "reader stops with an error if it sees the same key twice."
    )

    static let genJournalCtl = CatalogEntry(
        table: "GenJournalCtl",
        keyColumns: ["GlYear", "GlPeriod", "GlJournal"],
        columns: [
            key("GlYear", .decimal(precision: 4, scale: 0)), key("GlPeriod", .decimal(precision: 2, scale: 0)),
            key("GlJournal", .decimal(precision: 10, scale: 0)), col("JnlPrintFlag", .char(1)),
            date("JournalDate"), number("NumOfEntries", 10), money("DebitAmount"), money("CreditAmount"),
            col("JnlPostingType", .char(1)), col("Source", .char(2)), col("Operator", .varchar(20)),
            col("JnlStatus", .char(1)), col("Reference", .varchar(50)), col("AuthorisedBy", .varchar(20)),
            col("PostedBy", .varchar(20)), col("Authorised", .char(1)), date("PostDate"),
            col("Notation", .varchar(100)), col("JournalSource", .char(2)), timeStamp,
        ],
        // JnlStatus and authorisation change with no date changing: without TimeStamp, re-read it whole (small).
        changeStrategies: [.rowVersion, .snapshot],
        businessDateColumn: "JournalDate",
        amountColumns: ["DebitAmount", "CreditAmount"]
    )

    static let genJournalDetail = CatalogEntry(
        table: "GenJournalDetail",
        keyColumns: ["GlYear", "GlPeriod", "Journal", "EntryNumber"],
        columns: [
            key("GlYear", .decimal(precision: 4, scale: 0)), key("GlPeriod", .decimal(precision: 2, scale: 0)),
            key("Journal", .decimal(precision: 10, scale: 0)), key("EntryNumber", .decimal(precision: 10, scale: 0)),
            col("EntryType", .char(1)), col("GlCode", .varchar(35)), col("Reference", .varchar(50)),
            col("Comment", .varchar(250)), money("EntryValue"), date("EntryDate"), col("EntryPosted", .char(1)),
            col("InterCompanyFlag", .char(1)), col("Company", .char(4)), money("CurrencyValue"),
            col("PostCurrency", .char(3)), col("Source", .char(2)), date("TransactionDate"), date("DocumentDate"),
            number("SubModJournal", 10), timeStamp,
        ],
        changeStrategies: [.rowVersion, .businessDate(column: "EntryDate", lookBackDays: glLookBackDays)],
        businessDateColumn: "EntryDate",
        amountColumns: ["EntryValue"],
        notes: "Key (GlYear, GlPeriod, Journal, EntryNumber) is inferred from the GenJournalCtl join (§3.12)."
    )

    static let invMaster = CatalogEntry(
        table: "InvMaster",
        keyColumns: ["StockCode"],
        columns: [
            key("StockCode", .varchar(30)), col("Description", .char(50)), col("LongDesc", .char(100)),
            col("AlternateKey1", .char(20)), col("StockUom", .char(10)), col("AlternateUom", .char(10)),
            col("ConvFactAltUom", .decimal(precision: 12, scale: 6)), quantity("Mass"),
            col("Decimals", .decimal(precision: 1, scale: 0)), col("Supplier", .varchar(15)),
            col("ProductClass", .char(20)), col("TaxCode", .char(3)), col("PartCategory", .char(1)),
            col("WarehouseToUse", .char(10)), cost("LabourCost"), cost("MaterialCost"), quantity("Ebq"),
            number("LeadTime", 10), col("StockOnHold", .char(1)), date("DateStkAdded"), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["MaterialCost"]
    )

    static let invWarehouse = CatalogEntry(
        table: "InvWarehouse",
        keyColumns: ["StockCode", "Warehouse"],
        columns: [
            key("StockCode", .varchar(30)), key("Warehouse", .char(10)), quantity("QtyOnHand"),
            quantity("QtyAllocated"), quantity("QtyOnOrder"), quantity("QtyOnBackOrder"), quantity("QtyInTransit"),
            quantity("MinimumQty"), quantity("MaximumQty"), quantity("YtdQtySold"), cost("UnitCost"),
            col("DefaultBin", .char(20)), money("MtdSalesValue"), money("YtdSalesValue"), quantity("SafetyStockQty"),
            quantity("ReOrderQty"), col("Supplier", .varchar(15)), date("DateLastSale"), date("DateLastStockMove"),
            date("DateLastPurchase"), date("DateWhAdded"), timeStamp,
        ],
        changeStrategies: [.rowVersion, .snapshot],
        amountColumns: ["QtyOnHand", "YtdSalesValue"]
    )

    // MARK: Column shorthands for the tables above

    private static func col(_ name: String, _ type: SQLType) -> CatalogColumn {
        CatalogColumn(name: name, sqlType: type, nullable: true)
    }
    private static func key(_ name: String, _ type: SQLType) -> CatalogColumn {
        CatalogColumn(name: name, sqlType: type, nullable: false)
    }
    /// Money: decimal(14,2).
    private static func money(_ name: String) -> CatalogColumn { col(name, .decimal(precision: 14, scale: 2)) }
    /// Quantities: decimal(18,6).
    private static func quantity(_ name: String) -> CatalogColumn { col(name, .decimal(precision: 18, scale: 6)) }
    /// Unit costs and prices: decimal(15,5).
    private static func cost(_ name: String) -> CatalogColumn { col(name, .decimal(precision: 15, scale: 5)) }
    /// Exchange rates: decimal(12,6).
    private static func rate(_ name: String) -> CatalogColumn { col(name, .decimal(precision: 12, scale: 6)) }
    /// Integer-like decimals: years, months, journal and entry numbers.
    private static func number(_ name: String, _ digits: Int) -> CatalogColumn {
        col(name, .decimal(precision: digits, scale: 0))
    }
    /// A date-only `datetime`.
    private static func date(_ name: String) -> CatalogColumn { col(name, .datetime) }
    private static let timeStamp = CatalogColumn(name: "TimeStamp", sqlType: .timestamp, nullable: true)
}
