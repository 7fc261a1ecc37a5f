import Common
import Foundation
import Testing

@testable import Extract

@Suite struct CatalogTests {
    /// Every built-in entry is valid and the twelve SYSPRO tables are present.
    @Test func builtInCatalogHasTheTwelveTables() {
        #expect(
            Catalog.builtIn.tables == [
                "ApInvoice", "ApSupplier", "ArCustomer", "ArInvoice", "GenJournalCtl", "GenJournalDetail", "GenMaster",
                "GenTransaction", "InvMaster", "InvWarehouse", "PorMasterDetail", "PorMasterHdr",
            ]
        )
        for entry in Catalog.builtIn.entries.values {
            #expect(throws: Never.self) { try entry.validate() }
            #expect((8...30).contains(entry.dataColumns.count), "\(entry.table)")
            #expect(entry.clustering.first == "_company")
            #expect(entry.clustering.count <= 4)
        }
    }

    /// SQL types map to BigQuery types by the stated rules.
    @Test(arguments: [
        ("decimal(14,2)", "NUMERIC"), ("decimal(4,0)", "NUMERIC"), ("decimal(38,9)", "NUMERIC"),
        ("decimal(38,8)", "BIGNUMERIC"), ("decimal(20,10)", "BIGNUMERIC"), ("varchar(35)", "STRING"),
        ("char(1)", "STRING"), ("datetime", "DATE"), ("int", "INT64"), ("bit", "BOOL"),
    ])
    func sqlTypesMapToBigQueryTypes(_ sql: String, _ bigQuery: String) throws {
        let type = try #require(SQLType(parsing: sql))
        #expect(type.description == sql)
        #expect(BigQueryType.forSQLType(type, hasTimeOfDay: false)?.rawValue == bigQuery)
    }

    /// A timestamp column is the row version, not a data column, and a datetime with a time is DATETIME.
    @Test func timestampIsNotADataColumn() throws {
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        #expect(entry.rowVersionColumn == "TimeStamp")
        #expect(!entry.dataColumns.contains(where: { $0.name == "TimeStamp" }))
        let fields = entry.streamSchemaFields()
        #expect(fields.versionKind == "rowversion")
        #expect(fields.keyColumns == ["Supplier", "Invoice"])
        #expect(fields.businessDateColumn == "InvoiceDate")
        #expect(fields.amountColumns == ["OrigInvValue", "MthInvBal1", "MthInvBal2"])
        #expect(fields.columns.first(where: { $0.name == "OrigInvValue" })?.bigQueryType == "NUMERIC")
        #expect(fields.columns.first(where: { $0.name == "InvoiceDate" })?.bigQueryType == "DATE")
        #expect(entry.withoutRowVersion().streamSchemaFields().versionKind == "contentHash")
        #expect(BigQueryType.forSQLType(.datetime, hasTimeOfDay: true) == .datetime)
    }

    /// GenTransaction's key is the documented choice and can be overridden by configuration.
    @Test func genTransactionKeyIsConfigurable() throws {
        let entry = try Catalog.builtIn.entry(for: "GenTransaction")
        #expect(entry.keyColumns == ["GlYear", "GlPeriod", "Journal", "GlLine"])
        let merged = try Catalog.builtIn.merging([
            CatalogEntryOverride(table: "GenTransaction", keyColumns: ["GlYear", "GlPeriod", "GlCode", "GlLine"])
        ])
        let changed = try merged.entry(for: "GenTransaction")
        #expect(changed.keyColumns == ["GlYear", "GlPeriod", "GlCode", "GlLine"])
        #expect(changed.column(named: "GlCode")?.nullable == false)
        #expect(changed.clustering == ["_company", "GlYear", "GlPeriod", "GlCode"])
    }

    /// A user can add a table the catalog lacks, from JSON configuration.
    @Test func userAddsATableFromJSON() throws {
        let json = #"""
            [{"table":"ApInvoicePay","keyColumns":["Supplier","Invoice","EntryNumber"],
              "columns":[{"name":"Supplier","sqlType":"varchar(15)"},{"name":"Invoice","sqlType":"varchar(20)"},
                         {"name":"EntryNumber","sqlType":"decimal(10,0)"},{"name":"TrnValue","sqlType":"decimal(14,2)"},
                         {"name":"JournalDate","sqlType":"datetime"},{"name":"TimeStamp","sqlType":"timestamp"}],
              "businessDateColumn":"JournalDate","amountColumns":["TrnValue"]}]
            """#
        let overrides = try JSONDecoder().decode([CatalogEntryOverride].self, from: Data(json.utf8))
        let catalog = try Catalog.builtIn.merging(overrides)
        let entry = try catalog.entry(for: "ApInvoicePay")
        #expect(entry.changeStrategies == [.rowVersion, .snapshot])
        #expect(entry.partitioning == .column("JournalDate", granularity: .month))
        #expect(entry.column(named: "Supplier")?.nullable == false)
        #expect(entry.amountColumns == ["TrnValue"])
    }

    /// Overrides that leave an inconsistent entry are rejected, naming the table and the problem.
    @Test(arguments: [
        (CatalogEntryOverride(table: "ApInvoice", keyColumns: ["Nope"]), "key column 'Nope'"),
        (CatalogEntryOverride(table: "ApInvoice", amountColumns: ["Supplier"]), "amount column 'Supplier'"),
        (CatalogEntryOverride(table: "ApInvoice", removedColumns: ["TimeStamp"]), "rowVersion strategy"),
        (
            CatalogEntryOverride(
                table: "ApInvoice",
                clustering: ["_company", "Supplier", "Invoice", "Branch", "Currency"]
            ),
            "at most 4"
        ),
        (CatalogEntryOverride(table: "Foo", keyColumns: ["A"]), "must give keyColumns and columns"),
        (
            CatalogEntryOverride(
                table: "ApInvoice",
                changeStrategies: [.businessDate(column: "Reference", lookBackDays: 3)]
            ), "not a datetime"
        ),
        (
            CatalogEntryOverride(
                table: "ApInvoice",
                additionalColumns: [CatalogColumn(name: "supplier", sqlType: .char(3))]
            ), "listed twice"
        ),
    ])
    func invalidOverridesAreRejected(_ override: CatalogEntryOverride, _ fragment: String) {
        let error = caught { _ = try Catalog.builtIn.merging([override]) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains(override.table) == true)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    /// An unknown table name is a terminal configuration error that suggests the right spelling.
    @Test func unknownTableSuggestsSpelling() {
        let error = caught { _ = try Catalog.builtIn.entry(for: "apinvoice") }
        #expect(error?.disposition == .terminal)
        #expect(error?.message.contains("did you mean 'ApInvoice'") == true)
    }

    /// A catalog entry survives a JSON round trip.
    @Test func entryRoundTripsThroughJSON() throws {
        let entry = try Catalog.builtIn.entry(for: "GenTransaction")
        let data = try JSONEncoder().encode(entry)
        #expect(try JSONDecoder().decode(CatalogEntry.self, from: data) == entry)
    }
}
