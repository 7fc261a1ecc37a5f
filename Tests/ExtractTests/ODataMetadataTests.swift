import Common
import Testing

@testable import Extract

@Suite struct ODataMetadataTests {
    static let csdl = """
        <?xml version="1.0" encoding="utf-8"?>
        <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
          <edmx:DataServices>
            <Schema Namespace="SYSPRO" xmlns="http://docs.oasis-open.org/odata/ns/edm">
              <EntityType Name="ApInvoice">
                <Key><PropertyRef Name="Supplier"/><PropertyRef Name="Invoice"/></Key>
                <Property Name="Supplier" Type="Edm.String" Nullable="false" MaxLength="15"/>
                <Property Name="Invoice" Type="Edm.String" Nullable="false"/>
                <Property Name="InvoiceDate" Type="Edm.Date"/>
                <Property Name="OrigInvValue" Type="Edm.Decimal" Precision="14" Scale="2"/>
                <Property Name="TimeStamp" Type="Edm.Binary"/>
              </EntityType>
              <EntityType Name="GenTransaction">
                <Key><PropertyRef Name="GlYear"/></Key>
                <Property Name="GlYear" Type="Edm.Decimal" Precision="4" Scale="0"/>
              </EntityType>
              <EntityContainer Name="Container">
                <EntitySet Name="ApInvoice" EntityType="SYSPRO.ApInvoice"/>
                <EntitySet Name="GenTransaction" EntityType="SYSPRO.GenTransaction"/>
              </EntityContainer>
            </Schema>
          </edmx:DataServices>
        </edmx:Edmx>
        """

    static let entry = CatalogEntry(
        table: "ApInvoice",
        keyColumns: ["Supplier", "Invoice"],
        columns: [
            CatalogColumn(name: "Supplier", sqlType: .varchar(15), nullable: false),
            CatalogColumn(name: "Invoice", sqlType: .varchar(20), nullable: false),
            CatalogColumn(name: "InvoiceDate", sqlType: .datetime),
            CatalogColumn(name: "OrigInvValue", sqlType: .decimal(precision: 14, scale: 2)),
            CatalogColumn(name: "TimeStamp", sqlType: .timestamp),
        ],
        changeStrategies: [.rowVersion, .snapshot],
        businessDateColumn: "InvoiceDate"
    )

    /// Entity types, keys, property types and decimal facets are read from CSDL.
    @Test func parsesEntityTypes() throws {
        let metadata = try ODataMetadata.parse(Array(Self.csdl.utf8))
        let type = try #require(metadata.entityType(forSet: "ApInvoice"))
        #expect(type.keys == ["Supplier", "Invoice"])
        #expect(type.property("OrigInvValue")?.precision == 14)
        #expect(type.property("OrigInvValue")?.scale == 2)
        #expect(type.property("Supplier")?.nullable == false)
        #expect(type.property("TimeStamp")?.type == "Edm.Binary")
    }

    /// An exposed Edm.Binary TimeStamp keeps the rowversion strategy; Edm.Date picks date literals.
    @Test func planKeepsRowVersionWhenExposed() throws {
        let metadata = try ODataMetadata.parse(Array(Self.csdl.utf8))
        let plan = try ODataEntityPlan.make(
            entry: Self.entry,
            metadata: metadata,
            configuration: ODataRequestBuilderTests.configuration,
            rowVersionFilterable: true
        )
        #expect(plan.strategy == .rowVersion)
        #expect(plan.dateLiterals["InvoiceDate"] == .date)
        #expect(plan.entry.rowVersionColumn == "TimeStamp")
    }

    /// Without TimeStamp in $metadata the plan falls back to the next strategy and drops the column.
    @Test func planFallsBackWithoutTimeStamp() throws {
        let csdl = Self.csdl.replacingAll(#"<Property Name="TimeStamp" Type="Edm.Binary"/>"#, with: "")
        let plan = try ODataEntityPlan.make(
            entry: Self.entry,
            metadata: try ODataMetadata.parse(Array(csdl.utf8)),
            configuration: ODataRequestBuilderTests.configuration,
            rowVersionFilterable: nil
        )
        #expect(plan.strategy == .snapshot)
        #expect(plan.entry.rowVersionColumn == nil)
        #expect(plan.entry.versionKind == "contentHash")
        #expect(plan.notes.contains("$metadata does not expose TimeStamp"))
    }

    /// A TimeStamp that cannot be filtered is still staged as the version, but the strategy falls back.
    @Test func planKeepsVersionWhenFilterRejected() throws {
        let plan = try ODataEntityPlan.make(
            entry: Self.entry,
            metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
            configuration: ODataRequestBuilderTests.configuration,
            rowVersionFilterable: false
        )
        #expect(plan.strategy == .snapshot)
        #expect(plan.entry.rowVersionColumn == "TimeStamp")
    }

    /// A catalog column the service lacks is dropped with a note by default, and an error under `.fail`.
    @Test func missingColumnIsDroppedOrAnError() throws {
        var entry = Self.entry
        entry.columns.append(CatalogColumn(name: "Branch", sqlType: .char(10)))
        entry.amountColumns = ["OrigInvValue"]
        let plan = try ODataEntityPlan.make(
            entry: entry,
            metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
            configuration: ODataRequestBuilderTests.configuration,
            rowVersionFilterable: nil
        )
        #expect(plan.entry.column(named: "Branch") == nil)
        #expect(plan.notes.contains("dropped columns the service lacks: Branch"))
        var configuration = ODataRequestBuilderTests.configuration
        configuration.missingColumns = .fail
        let error = caught {
            _ = try ODataEntityPlan.make(
                entry: entry,
                metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
                configuration: configuration,
                rowVersionFilterable: nil
            )
        }
        #expect(error?.disposition == .terminal)
        #expect(error?.message.contains("Branch") == true)
    }

    /// An amount column the service lacks is never dropped silently: the error names it and exclude_columns.
    @Test func missingAmountColumnIsAnError() throws {
        var entry = Self.entry
        entry.columns.append(CatalogColumn(name: "TaxValue", sqlType: .decimal(precision: 14, scale: 2)))
        entry.amountColumns = ["OrigInvValue", "TaxValue"]
        let error = caught {
            _ = try ODataEntityPlan.make(
                entry: entry,
                metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
                configuration: ODataRequestBuilderTests.configuration,
                rowVersionFilterable: nil
            )
        }
        #expect(error?.message.contains("has no column TaxValue (an amount column") == true)
        #expect(error?.remedy?.contains("exclude_columns = [\"TaxValue\"] to [tables.\(entry.table)]") == true)
    }

    /// A missing key column is always an error.
    @Test func missingKeyColumnIsAnError() throws {
        var entry = Self.entry
        entry.columns.append(CatalogColumn(name: "Branch", sqlType: .char(10), nullable: false))
        entry.keyColumns.append("Branch")
        let error = caught {
            _ = try ODataEntityPlan.make(
                entry: entry,
                metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
                configuration: ODataRequestBuilderTests.configuration,
                rowVersionFilterable: nil
            )
        }
        #expect(error?.message.contains("no column Branch") == true)
    }

    /// An entity set the service lacks is a terminal error.
    @Test func missingEntitySetIsAnError() throws {
        var entry = Self.entry
        entry.table = "ArInvoice"
        let error = caught {
            _ = try ODataEntityPlan.make(
                entry: entry,
                metadata: try ODataMetadata.parse(Array(Self.csdl.utf8)),
                configuration: ODataRequestBuilderTests.configuration,
                rowVersionFilterable: nil
            )
        }
        #expect(error?.message.contains("no entity set 'ArInvoice'") == true)
    }
}
