import Load
import Testing

@testable import Reconcile

/// Golden SQL: the exact text reconciliation and the analytic views send to BigQuery.
struct GoldenSQLTests {
    let raw = "`p.ds.GenTransaction`"

    /// Segment totals keep one copy per staged line, then count and sum each amount column per segment.
    @Test func segmentTotalsDeduplicatesLinesThenSumsPerSegment() {
        #expect(
            ReconcileSQL.segmentTotals(raw: raw, amountColumns: ["EntryValue"])
                == "SELECT _segment AS segment, COUNT(*) AS row_count, SUM(`EntryValue`) AS sum_0 FROM "
                + "(SELECT * EXCEPT(rn) FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY _segment, _line "
                + "ORDER BY _insert_id) AS rn FROM `p.ds.GenTransaction` t WHERE t._company = @company) WHERE rn = 1) "
                + "GROUP BY segment ORDER BY segment"
        )
    }

    /// Duplicate keys in a current-state view are found by grouping on every key column.
    @Test func duplicateKeysGroupsOnEveryKeyColumn() {
        #expect(
            ReconcileSQL.duplicateKeys(current: "`p.ds.ApInvoice_current`", keyColumns: ["Supplier", "Invoice"])
                == "SELECT `Supplier` AS key_0, `Invoice` AS key_1, COUNT(*) AS copies FROM `p.ds.ApInvoice_current` "
                + "WHERE _company = @company GROUP BY key_0, key_1 HAVING COUNT(*) > 1 ORDER BY key_0, key_1 LIMIT 100"
        )
    }

    /// Journal balances sum positive entry values as debits and negative ones as credits.
    @Test func journalBalancesSplitDebitsAndCredits() {
        #expect(
            ReconcileSQL.journalBalances(current: "`p.ds.GenTransaction_current`")
                == "SELECT CAST(`GlYear` AS STRING) AS year, CAST(`GlPeriod` AS STRING) AS period, "
                + "CAST(`Journal` AS STRING) AS journal, SUM(IF(`EntryValue` > 0, `EntryValue`, 0)) AS debit, "
                + "-SUM(IF(`EntryValue` < 0, `EntryValue`, 0)) AS credit FROM `p.ds.GenTransaction_current` "
                + "WHERE _company = @company GROUP BY year, period, journal"
        )
    }

    /// AP aging buckets MthInvBal1 by days past the due date against a fixed reference date.
    @Test func apAgingBucketsByDueDate() {
        #expect(
            AnalyticsViewSQL.apAging(invoices: "`p.ds.ApInvoice_current`", asOf: "2024-03-31")
                == "SELECT _company AS company, Supplier, "
                + "SUM(IF(DATE_DIFF(DATE '2024-03-31', COALESCE(DueDate, InvoiceDate), DAY) <= 0, MthInvBal1, 0)) "
                + "AS current_amount, "
                + "SUM(IF(DATE_DIFF(DATE '2024-03-31', COALESCE(DueDate, InvoiceDate), DAY) BETWEEN 1 AND 30, "
                + "MthInvBal1, 0)) AS days_1_30, "
                + "SUM(IF(DATE_DIFF(DATE '2024-03-31', COALESCE(DueDate, InvoiceDate), DAY) BETWEEN 31 AND 60, "
                + "MthInvBal1, 0)) AS days_31_60, "
                + "SUM(IF(DATE_DIFF(DATE '2024-03-31', COALESCE(DueDate, InvoiceDate), DAY) BETWEEN 61 AND 90, "
                + "MthInvBal1, 0)) AS days_61_90, "
                + "SUM(IF(DATE_DIFF(DATE '2024-03-31', COALESCE(DueDate, InvoiceDate), DAY) > 90, MthInvBal1, 0)) "
                + "AS days_over_90, SUM(MthInvBal1) AS total, COUNT(*) AS open_items "
                + "FROM `p.ds.ApInvoice_current` WHERE MthInvBal1 <> 0 GROUP BY company, Supplier"
        )
    }

    /// AR aging measures InvoiceBal1 from the invoice date, against the current date by default.
    @Test func arAgingUsesInvoiceDateAndCurrentDate() {
        let sql = AnalyticsViewSQL.arAging(invoices: "`p.ds.ArInvoice_current`")
        #expect(
            sql.hasPrefix("SELECT _company AS company, Customer, SUM(IF(DATE_DIFF(CURRENT_DATE(), InvoiceDate, DAY)")
        )
        #expect(sql.hasSuffix("FROM `p.ds.ArInvoice_current` WHERE InvoiceBal1 <> 0 GROUP BY company, Customer"))
    }

    /// PO commitments value the unreceived quantity at the line price and leave cancelled orders out.
    @Test func poCommitmentsExcludeCancelledOrders() {
        #expect(
            AnalyticsViewSQL.poCommitments(
                details: "`p.ds.PorMasterDetail_current`",
                headers: "`p.ds.PorMasterHdr_current`"
            )
                == "SELECT d._company AS company, d.PurchaseOrder, d.Line, h.Supplier, d.MStockCode, d.MOrderQty, "
                + "d.MReceivedQty, d.MPrice, (d.MOrderQty - d.MReceivedQty) * d.MPrice AS open_value "
                + "FROM `p.ds.PorMasterDetail_current` d JOIN `p.ds.PorMasterHdr_current` h "
                + "ON h._company = d._company AND h.PurchaseOrder = d.PurchaseOrder "
                + "WHERE COALESCE(h.CancelledFlag, '') <> 'Y' AND COALESCE(h.OrderStatus, '') <> '*' "
                + "AND d.MOrderQty > d.MReceivedQty"
        )
    }

    /// Load creates three analytic views, each from the current-state views of the tables it reads.
    @Test func analyticViewsReadCurrentStateViews() {
        #expect(AnalyticsViewSQL.definitions.map(\.name) == ["ap_aging", "ar_aging", "po_commitments"])
        let references = [
            "ApInvoice": "`p.ds.ApInvoice_current`", "ArInvoice": "`p.ds.ArInvoice_current`",
            "PorMasterDetail": "`p.ds.PorMasterDetail_current`", "PorMasterHdr": "`p.ds.PorMasterHdr_current`",
        ]
        for view in AnalyticsViewSQL.definitions {
            let sql = view.query(references)
            #expect(view.reads.keys.allSatisfy { sql.contains(references[$0]!) }, "\(view.name): \(sql)")
        }
    }
}
