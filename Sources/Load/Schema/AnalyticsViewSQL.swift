/// The analytic views shipped with the tables, as pure functions (golden-tested): AP and AR aging from open
/// items, and purchase-order commitments. `LoadRunner` creates them beside `gl_trial_balance` once the tables they
/// read are loaded (``definitions``).
///
/// Every view reads current-state views (`<table>_current`), so it shows SYSPRO's present state. Aging buckets
/// are measured against a reference date: `CURRENT_DATE()` by default, or a fixed `DATE 'YYYY-MM-DD'` for a
/// month-end snapshot.
public enum AnalyticsViewSQL {
    /// The names of the views, before any table prefix.
    public static let apAging = "ap_aging"
    public static let arAging = "ar_aging"
    public static let poCommitments = "po_commitments"

    /// One view Load maintains: its name (before the table prefix), the SYSPRO tables and columns it reads, and
    /// its query given each table's current-state view reference. Value type, `Sendable`.
    public struct Definition: Sendable {
        public let name: String
        /// SYSPRO table → the columns the view reads from it.
        public let reads: [String: [String]]
        /// The SELECT, given `table → reference of <table>_current`.
        public let query: @Sendable ([String: String]) -> String
    }

    /// Every analytic view, aging measured at the query's current date.
    public static let definitions: [Definition] = [
        Definition(
            name: apAging,
            reads: ["ApInvoice": ["Supplier", "MthInvBal1", "DueDate", "InvoiceDate"]],
            query: { apAging(invoices: $0["ApInvoice"]!) }
        ),
        Definition(
            name: arAging,
            reads: ["ArInvoice": ["Customer", "InvoiceBal1", "InvoiceDate"]],
            query: { arAging(invoices: $0["ArInvoice"]!) }
        ),
        Definition(
            name: poCommitments,
            reads: [
                "PorMasterDetail": ["PurchaseOrder", "Line", "MStockCode", "MOrderQty", "MReceivedQty", "MPrice"],
                "PorMasterHdr": ["PurchaseOrder", "Supplier", "CancelledFlag", "OrderStatus"],
            ],
            query: { poCommitments(details: $0["PorMasterDetail"]!, headers: $0["PorMasterHdr"]!) }
        ),
    ]

    /// The five aging buckets of `balance` by `days` overdue (negative or zero = current).
    static func buckets(days: String, balance: String) -> String {
        "SUM(IF(\(days) <= 0, \(balance), 0)) AS current_amount, "
            + "SUM(IF(\(days) BETWEEN 1 AND 30, \(balance), 0)) AS days_1_30, "
            + "SUM(IF(\(days) BETWEEN 31 AND 60, \(balance), 0)) AS days_31_60, "
            + "SUM(IF(\(days) BETWEEN 61 AND 90, \(balance), 0)) AS days_61_90, "
            + "SUM(IF(\(days) > 90, \(balance), 0)) AS days_over_90, "
            + "SUM(\(balance)) AS total, COUNT(*) AS open_items"
    }

    /// The reference-date expression: `CURRENT_DATE()` or `DATE 'YYYY-MM-DD'`.
    static func reference(_ asOf: String?) -> String { asOf.map { "DATE '\($0)'" } ?? "CURRENT_DATE()" }

    /// AP aging per company and supplier from `ApInvoice_current`: open balance `MthInvBal1` by days past
    /// `DueDate` (falling back to `InvoiceDate` when no due date is set); fully paid items (balance 0) left out.
    public static func apAging(invoices: String, asOf: String? = nil) -> String {
        let days = "DATE_DIFF(\(reference(asOf)), COALESCE(DueDate, InvoiceDate), DAY)"
        return "SELECT _company AS company, Supplier, \(buckets(days: days, balance: "MthInvBal1")) "
            + "FROM \(invoices) WHERE MthInvBal1 <> 0 GROUP BY company, Supplier"
    }

    /// AR aging per company and customer from `ArInvoice_current`: open balance `InvoiceBal1` by days since
    /// `InvoiceDate` (AR open items carry no due date in the catalog); fully paid items left out.
    public static func arAging(invoices: String, asOf: String? = nil) -> String {
        let days = "DATE_DIFF(\(reference(asOf)), InvoiceDate, DAY)"
        return "SELECT _company AS company, Customer, \(buckets(days: days, balance: "InvoiceBal1")) "
            + "FROM \(invoices) WHERE InvoiceBal1 <> 0 GROUP BY company, Customer"
    }

    /// Open PO commitments per line: (ordered − received) × price, never below zero, from
    /// `PorMasterDetail_current` joined to `PorMasterHdr_current`; cancelled orders (`CancelledFlag` 'Y' or `OrderStatus` '*') and
    /// fully received lines left out.
    public static func poCommitments(details: String, headers: String) -> String {
        "SELECT d._company AS company, d.PurchaseOrder, d.Line, h.Supplier, d.MStockCode, "
            + "d.MOrderQty, d.MReceivedQty, d.MPrice, "
            + "(d.MOrderQty - d.MReceivedQty) * d.MPrice AS open_value "
            + "FROM \(details) d JOIN \(headers) h "
            + "ON h._company = d._company AND h.PurchaseOrder = d.PurchaseOrder "
            + "WHERE COALESCE(h.CancelledFlag, '') <> 'Y' AND COALESCE(h.OrderStatus, '') <> '*' "
            + "AND d.MOrderQty > d.MReceivedQty"
    }
}
