import Foundation
import Load
import SegmentLog
import Testing

@testable import Reconcile

/// The analytic views Load ships with the tables (AP and AR aging, PO commitments): created by `load` beside
/// `gl_trial_balance`, and returning the right figures from bqemulator.
struct AnalyticsViewTests {
    /// A column of a test schema: `key` columns are NOT NULL.
    static func column(
        _ name: String,
        _ sql: String,
        _ type: ColumnSchema.BigQueryType,
        key: Bool = false
    )
        -> ColumnSchema
    {
        ColumnSchema(name: name, sqlType: sql, bigQueryType: type, nullable: !key)
    }

    /// `YYYY-MM-DD`, `days` from today (UTC, as the emulator's CURRENT_DATE()).
    static func date(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// JSON members for a row: `nil` is SQL NULL.
    static func members(_ pairs: [(String, String?)]) -> String {
        pairs.map { name, value in "\"\(name)\":" + (value.map { "\"\($0)\"" } ?? "null") }.joined(separator: ",")
    }

    /// Stages AP and AR open items and two purchase orders with lines, and loads them.
    static func world() throws -> EmulatorWorld {
        let world = try EmulatorWorld(dataset: "views")
        let ap: [(String, String, String?, String, String)] = [
            // supplier, invoice, due date, invoice date, balance
            ("S1", "INV1", date(5), date(-20), "100.00"),
            ("S1", "INV2", date(-10), date(-40), "50.25"),
            ("S1", "INV3", date(-45), date(-75), "10.00"),
            ("S1", "INV4", nil, date(-100), "5.00"),
            ("S1", "INV5", date(-10), date(-40), "0.00"),
            ("   S2", "INV6", date(-75), date(-105), "7.50"),
        ]
        try world.stage(
            table: "ApInvoice",
            schema: try StreamSchema(
                columns: [
                    column("Supplier", "varchar(15)", .string, key: true),
                    column("Invoice", "varchar(20)", .string, key: true),
                    column("InvoiceDate", "datetime", .date), column("DueDate", "datetime", .date),
                    column("MthInvBal1", "decimal(14,2)", .numeric),
                ],
                keyColumns: ["Supplier", "Invoice"],
                businessDateColumn: nil,
                amountColumns: ["MthInvBal1"],
                versionKind: .rowversion
            ),
            segments: [
                ap.map { supplier, invoice, due, invoiced, balance in
                    EmulatorWorld.Row(
                        keys: [supplier, invoice],
                        columns: members([
                            ("Supplier", supplier), ("Invoice", invoice), ("InvoiceDate", invoiced), ("DueDate", due),
                            ("MthInvBal1", balance),
                        ]),
                        amounts: [balance]
                    )
                }
            ]
        )
        let ar: [(String, String, String, String, String)] = [
            ("C1", "1", "I", date(-3), "20.00"), ("C1", "2", "I", date(-200), "30.00"),
            ("C1", "3", "C", date(0), "-5.00"),
        ]
        try world.stage(
            table: "ArInvoice",
            schema: try StreamSchema(
                columns: [
                    column("Customer", "varchar(15)", .string, key: true),
                    column("Invoice", "varchar(20)", .string, key: true),
                    column("DocumentType", "char(1)", .string, key: true), column("InvoiceDate", "datetime", .date),
                    column("InvoiceBal1", "decimal(14,2)", .numeric),
                ],
                keyColumns: ["Customer", "Invoice", "DocumentType"],
                businessDateColumn: nil,
                amountColumns: ["InvoiceBal1"],
                versionKind: .rowversion
            ),
            segments: [
                ar.map { customer, invoice, type, invoiced, balance in
                    EmulatorWorld.Row(
                        keys: [customer, invoice, type],
                        columns: members([
                            ("Customer", customer), ("Invoice", invoice), ("DocumentType", type),
                            ("InvoiceDate", invoiced), ("InvoiceBal1", balance),
                        ]),
                        amounts: [balance]
                    )
                }
            ]
        )
        let headers: [(String, String, String, String)] = [
            ("000000000000001", "S1", " ", "1"), ("000000000000002", "S1", "Y", "1"),
            ("000000000000003", "   S2", " ", "*"),
        ]
        try world.stage(
            table: "PorMasterHdr",
            schema: try StreamSchema(
                columns: [
                    column("PurchaseOrder", "varchar(20)", .string, key: true),
                    column("Supplier", "varchar(15)", .string), column("CancelledFlag", "char(1)", .string),
                    column("OrderStatus", "char(1)", .string),
                ],
                keyColumns: ["PurchaseOrder"],
                businessDateColumn: nil,
                amountColumns: [],
                versionKind: .rowversion
            ),
            segments: [
                headers.map { order, supplier, cancelled, status in
                    EmulatorWorld.Row(
                        keys: [order],
                        columns: members([
                            ("PurchaseOrder", order), ("Supplier", supplier), ("CancelledFlag", cancelled),
                            ("OrderStatus", status),
                        ]),
                        amounts: []
                    )
                }
            ]
        )
        let lines: [(String, String, String, String, String)] = [
            // order, line, ordered, received, price
            ("000000000000001", "1", "10.000000", "4.000000", "2.50000"),
            ("000000000000001", "2", "5.000000", "5.000000", "1.00000"),
            ("000000000000001", "3", "2.500000", "0.500000", "3.10000"),
            ("000000000000002", "1", "3.000000", "0.000000", "1.00000"),
            ("000000000000003", "1", "1.000000", "0.000000", "1.00000"),
        ]
        try world.stage(
            table: "PorMasterDetail",
            schema: try StreamSchema(
                columns: [
                    column("PurchaseOrder", "varchar(20)", .string, key: true),
                    column("Line", "decimal(4,0)", .numeric, key: true), column("MStockCode", "varchar(30)", .string),
                    column("MOrderQty", "decimal(18,6)", .numeric), column("MReceivedQty", "decimal(18,6)", .numeric),
                    column("MPrice", "decimal(15,5)", .numeric),
                ],
                keyColumns: ["PurchaseOrder", "Line"],
                businessDateColumn: nil,
                amountColumns: ["MOrderQty", "MReceivedQty"],
                versionKind: .rowversion
            ),
            segments: [
                lines.map { order, line, ordered, received, price in
                    EmulatorWorld.Row(
                        keys: [order, line],
                        columns: members([
                            ("PurchaseOrder", order), ("Line", line), ("MStockCode", "STK-\(line)"),
                            ("MOrderQty", ordered), ("MReceivedQty", received), ("MPrice", price),
                        ]),
                        amounts: [ordered, received]
                    )
                }
            ]
        )
        try world.load()
        return world
    }

    /// Text columns of the views: kept byte for byte (keys are never read as numbers).
    static let textColumns: Set<String> = ["company", "Supplier", "Customer", "PurchaseOrder", "MStockCode"]

    /// Rows of `sql` as dictionaries: text columns as sent, numbers in one canonical decimal spelling.
    static func rows(_ world: EmulatorWorld, _ sql: String) throws -> [[String: String]] {
        let result = try world.query(sql)
        return result.rows.indices.map { row in
            var values: [String: String] = [:]
            for column in result.columns {
                guard let text = result.value(row: row, column: column) else { continue }
                values[column] = textColumns.contains(column) ? text : TotalsComparison.canonicalNumber(text)
            }
            return values
        }
    }

    /// Load creates the three views, and each returns SYSPRO's open items bucketed, totalled and valued to the cent.
    @Test func loadCreatesViewsThatReturnTheRightFigures() throws {
        let world = try Self.world()

        let ap = try Self.rows(world, "SELECT * FROM \(world.reference("ap_aging")) ORDER BY Supplier")
        #expect(ap.count == 2)
        #expect(ap.first?["Supplier"] == "   S2")
        #expect(ap.first?["days_61_90"] == "7.5" && ap.first?["total"] == "7.5")
        let s1 = ap.last ?? [:]
        #expect(s1["Supplier"] == "S1")
        #expect(s1["current_amount"] == "100" && s1["days_1_30"] == "50.25" && s1["days_31_60"] == "10")
        #expect(s1["days_61_90"] == "0" && s1["days_over_90"] == "5")
        #expect(s1["total"] == "165.25" && s1["open_items"] == "4", "\(s1)")

        let ar = try Self.rows(world, "SELECT * FROM \(world.reference("ar_aging"))")
        #expect(ar.count == 1)
        let c1 = ar.first ?? [:]
        #expect(c1["current_amount"] == "-5" && c1["days_1_30"] == "20" && c1["days_over_90"] == "30")
        #expect(c1["total"] == "45" && c1["open_items"] == "3", "\(c1)")

        let po = try Self.rows(
            world,
            "SELECT PurchaseOrder, Line, open_value FROM \(world.reference("po_commitments")) ORDER BY Line"
        )
        #expect(po.map { $0["PurchaseOrder"] } == ["000000000000001", "000000000000001"])
        #expect(po.map { $0["Line"] } == ["1", "3"])
        #expect(po.map { $0["open_value"] } == ["15", "6.2"], "\(po)")
    }
}
