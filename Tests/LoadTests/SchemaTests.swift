import Common
import Testing

@testable import Load

@Suite struct SchemaTests {
    static let configuration = BigQueryConfiguration(projectID: "p", datasetID: "ds")

    static func layout(_ partitioning: TableOptions.Partitioning = .businessDate(.month)) -> RawTableLayout {
        RawTableLayout(
            tableID: "ApInvoice",
            sourceTable: "ApInvoice",
            sourceColumns: [
                .init(name: "Supplier", bigQueryType: "STRING"),
                .init(name: "Invoice", bigQueryType: "STRING"),
                .init(name: "OrigInvValue", bigQueryType: "NUMERIC"),
                .init(name: "InvoiceDate", bigQueryType: "DATE"),
            ],
            keyColumns: ["Supplier", "Invoice"],
            businessDateColumn: "InvoiceDate",
            partitioning: partitioning
        )
    }

    /// tables.insert carries lineage + typed source columns, the partitioning and `_company` + keys clustering.
    @Test func rawTableBodyIsGolden() throws {
        let body = try BigQueryPaths(configuration: Self.configuration).rawTableBody(Self.layout()).text
        let lineage =
            #"{"name":"_segment","type":"INT64","mode":"REQUIRED"},{"name":"_line","type":"INT64","mode":"REQUIRED"},"#
            + #"{"name":"_insert_id","type":"STRING","mode":"REQUIRED"},"#
            + #"{"name":"_company","type":"STRING","mode":"REQUIRED"},"#
            + #"{"name":"_table","type":"STRING","mode":"REQUIRED"},"#
            + #"{"name":"_version","type":"STRING","mode":"REQUIRED"},"#
            + #"{"name":"_deleted","type":"BOOL","mode":"REQUIRED"},"#
            + #"{"name":"_extracted_at","type":"TIMESTAMP","mode":"REQUIRED"},"#
            + #"{"name":"_run_id","type":"STRING","mode":"REQUIRED"},"#
        let source =
            #"{"name":"Supplier","type":"STRING","mode":"NULLABLE"},"#
            + #"{"name":"Invoice","type":"STRING","mode":"NULLABLE"},"#
            + #"{"name":"OrigInvValue","type":"NUMERIC","mode":"NULLABLE"},"#
            + #"{"name":"InvoiceDate","type":"DATE","mode":"NULLABLE"}"#
        let expected =
            #"{"tableReference":{"projectId":"p","datasetId":"ds","tableId":"ApInvoice"},"#
            + #""description":"syspro-bq raw append-only history of SYSPRO table ApInvoice","#
            + #""schema":{"fields":["# + lineage + source + "]},"
            + #""timePartitioning":{"type":"MONTH","field":"InvoiceDate"},"#
            + #""clustering":{"fields":["_company","Supplier","Invoice"]}}"#
        #expect(body == expected)
    }

    /// Ingestion-time partitioning has no field; clustering never exceeds four columns.
    @Test func ingestionPartitioningAndClusteringCap() throws {
        let layout = RawTableLayout(
            tableID: "T",
            sourceTable: "T",
            sourceColumns: ["K1", "K2", "K3", "K4"].map { .init(name: $0, bigQueryType: "STRING") },
            keyColumns: ["K1", "K2", "K3", "K4"],
            businessDateColumn: nil,
            partitioning: .ingestionTime(.day)
        )
        #expect(try layout.timePartitioning()?.text == #"{"type":"DAY"}"#)
        #expect(layout.clusteringFields == ["_company", "K1", "K2", "K3"])
        let bad = RawTableLayout(
            tableID: "T",
            sourceTable: "T",
            sourceColumns: [],
            keyColumns: [],
            businessDateColumn: nil,
            partitioning: .businessDate(.day)
        )
        #expect(throws: SysproBQError.self) { try bad.timePartitioning() }
    }

    /// A new source column becomes a patch with the full list: existing fields in order, then the new one.
    @Test func newColumnBecomesFullListPatch() throws {
        let existing = Self.layout().fields.dropLast().map {
            TableField(name: $0.name, type: $0.type == "INT64" ? "INTEGER" : $0.type, mode: $0.mode)
        }
        let diff = try SchemaDiff.compare(existing: existing, desired: Self.layout().fields, table: "ApInvoice")
        guard case .addColumns(let full, let added) = diff else {
            Issue.record("expected a patch")
            return
        }
        #expect(added == [TableField(name: "InvoiceDate", type: "DATE", mode: .nullable)])
        #expect(full == existing + added)
        let body = BigQueryPaths(configuration: Self.configuration).schemaPatchBody(full).text
        #expect(body.hasPrefix(#"{"schema":{"fields":[{"name":"_segment","type":"INTEGER","mode":"REQUIRED"},"#))
        #expect(body.hasSuffix(#"{"name":"InvoiceDate","type":"DATE","mode":"NULLABLE"}]}}"#))
        #expect(
            try SchemaDiff.compare(existing: Self.layout().fields, desired: Self.layout().fields, table: "t")
                == .unchanged
        )
    }

    /// A type change stops with an error naming the column, the old and new type and what to do.
    @Test func typeChangeIsATerminalErrorNamingTheColumn() {
        var existing = Self.layout().fields
        existing[11] = TableField(name: "OrigInvValue", type: "BIGNUMERIC", mode: .nullable)
        do {
            _ = try SchemaDiff.compare(existing: existing, desired: Self.layout().fields, table: "ApInvoice")
            Issue.record("expected an error")
        } catch {
            #expect(error.disposition == .terminal)
            #expect(error.message.contains("OrigInvValue is BIGNUMERIC in BigQuery but the staged rows need NUMERIC"))
            #expect(error.remedy?.contains("rebuild") == true)
        }
    }

    /// A column missing from the staged schema stops with an error naming it.
    @Test func droppedColumnIsATerminalError() {
        let existing = Self.layout().fields + [TableField(name: "Gone", type: "STRING", mode: .nullable)]
        #expect(throws: SysproBQError.self) {
            try SchemaDiff.compare(existing: existing, desired: Self.layout().fields, table: "ApInvoice")
        }
    }

    /// The current-state view picks the latest row per company and key in staging order, then drops tombstones.
    @Test func currentStateViewSQLIsGolden() {
        let raw = ViewSQL.tableReference(project: "p", dataset: "ds", table: "ApInvoice")
        let sql = ViewSQL.currentState(raw: raw, keyColumns: ["Supplier", "Invoice"])
        #expect(
            sql == "SELECT * EXCEPT(rn) FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY _company, `Supplier`, "
                + "`Invoice` ORDER BY _segment DESC, _line DESC) AS rn FROM `p.ds.ApInvoice` t) "
                + "WHERE rn = 1 AND NOT _deleted"
        )
        let body = BigQueryPaths(configuration: Self.configuration).viewBody("ApInvoice_current", query: "SELECT 1")
            .text
        #expect(
            body == #"{"tableReference":{"projectId":"p","datasetId":"ds","tableId":"ApInvoice_current"},"#
                + #""view":{"query":"SELECT 1","useLegacySql":false}}"#
        )
        #expect(
            BigQueryPaths(configuration: Self.configuration).viewPatchBody(query: "SELECT 2").text
                == #"{"view":{"query":"SELECT 2","useLegacySql":false}}"#
        )
    }

    /// The trial balance sums debits and credits per company, year, period and GL code and joins the account
    /// master without its FORCED/RETAINED system accounts.
    @Test func trialBalanceSQLIsGolden() {
        let sql = ViewSQL.trialBalance(
            transactions: "`p.ds.GenTransaction_current`",
            master: "`p.ds.GenMaster_current`"
        )
        #expect(
            sql == "SELECT t._company AS company, t.`GlYear` AS GlYear, t.`GlPeriod` AS GlPeriod, "
                + "t.`GlCode` AS GlCode, SUM(IF(t.`EntryValue` > 0, t.`EntryValue`, 0)) AS debit, "
                + "-SUM(IF(t.`EntryValue` < 0, t.`EntryValue`, 0)) AS credit, SUM(t.`EntryValue`) AS net, "
                + "COUNT(*) AS postings, ANY_VALUE(m.`Description`) AS Description, "
                + "ANY_VALUE(m.`AccountType`) AS AccountType FROM `p.ds.GenTransaction_current` t "
                + "LEFT JOIN (SELECT _company, `GlCode`, `Description`, `AccountType` FROM `p.ds.GenMaster_current` "
                + "WHERE `GlCode` NOT IN ('FORCED', 'RETAINED')) m ON m._company = t._company AND m.`GlCode` = t.`GlCode` "
                + "GROUP BY t._company, t.`GlYear`, t.`GlPeriod`, t.`GlCode`"
        )
        let withoutMaster = ViewSQL.trialBalance(transactions: "`p.ds.GT`", master: nil)
        #expect(!withoutMaster.contains("JOIN"))
    }

    /// datasets.insert names the project, dataset and location.
    @Test func datasetBodyIsGolden() {
        #expect(
            BigQueryPaths(configuration: Self.configuration).datasetBody.text
                == #"{"datasetReference":{"projectId":"p","datasetId":"ds"},"location":"US"}"#
        )
    }
}
