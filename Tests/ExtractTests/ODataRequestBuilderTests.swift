import Common
import Foundation
import Testing

@testable import Extract

@Suite struct ODataRequestBuilderTests {
    static let configuration = ODataConfiguration(
        serviceRoot: "https://erp.example.com/SYSPRO8Odata/SYSPROOData/",
        operatorName: "ADMIN",
        password: "s3cret",
        pageSize: 2
    )
    static let builder = ODataRequestBuilder(configuration: configuration)

    static func plan(
        _ table: String,
        strategy: ChangeStrategy? = nil,
        kind: ODataDateLiteralKind = .dateTimeOffset
    )
        throws -> ODataEntityPlan
    {
        let entry = try Catalog.builtIn.entry(for: table)
        var literals: [String: ODataDateLiteralKind] = [:]
        for column in entry.columns where column.sqlType == .datetime { literals[column.name] = kind }
        return ODataEntityPlan(
            entry: entry,
            strategy: strategy ?? entry.changeStrategies[0],
            dateLiterals: literals,
            notes: []
        )
    }

    static let smallEntry = CatalogEntry(
        table: "ApInvoice",
        keyColumns: ["Supplier", "Invoice"],
        columns: [
            CatalogColumn(name: "Supplier", sqlType: .varchar(15), nullable: false),
            CatalogColumn(name: "Invoice", sqlType: .varchar(20), nullable: false),
            CatalogColumn(name: "InvoiceDate", sqlType: .datetime),
            CatalogColumn(name: "TimeStamp", sqlType: .timestamp),
        ],
        changeStrategies: [.rowVersion, .businessDate(column: "InvoiceDate", lookBackDays: 7), .snapshot],
        businessDateColumn: "InvoiceDate"
    )

    static func smallPlan(_ strategy: ChangeStrategy, kind: ODataDateLiteralKind = .dateTimeOffset) -> ODataEntityPlan {
        ODataEntityPlan(entry: smallEntry, strategy: strategy, dateLiterals: ["InvoiceDate": kind], notes: [])
    }

    /// A rowversion page filters after the watermark as a percent-encoded binary literal, ordered by TimeStamp.
    @Test func rowVersionFirstPageURL() {
        let url = Self.builder.pageURL(
            plan: Self.smallPlan(.rowVersion),
            company: "A",
            window: .rowVersion(after: "0x00000000000007D1"),
            cursor: nil,
            top: 5000
        )
        #expect(
            url
                == "https://erp.example.com/SYSPRO8Odata/SYSPROOData/A/ApInvoice?$select=Supplier%2CInvoice%2CInvoiceDate%2CTimeStamp"
                + "&$filter=TimeStamp%20gt%20binary%27AAAAAAAAB9E%3D%27&$orderby=TimeStamp&$top=5000"
        )
    }

    /// With no watermark, a rowversion read has no filter.
    @Test func rowVersionWithoutWatermarkHasNoFilter() {
        let url = Self.builder.pageURL(
            plan: Self.smallPlan(.rowVersion),
            company: "A",
            window: .rowVersion(after: nil),
            cursor: nil,
            top: 10
        )
        #expect(!url.contains("$filter"))
        #expect(url.hasSuffix("$orderby=TimeStamp&$top=10"))
    }

    /// A business-date window uses DateTimeOffset literals and an exclusive next-day upper bound.
    @Test func businessDateWindowFilter() {
        let plan = Self.smallPlan(.businessDate(column: "InvoiceDate", lookBackDays: 7))
        let filter = Self.builder.filter(
            plan: plan,
            window: .businessDate(from: "2024-01-01", through: "2024-12-31"),
            cursor: nil
        )
        #expect(filter == "InvoiceDate ge 2024-01-01T00:00:00Z and InvoiceDate lt 2025-01-01T00:00:00Z")
        #expect(
            Self.builder.orderBy(plan: plan, window: .businessDate(from: "2024-01-01", through: nil)) == [
                "InvoiceDate", "Supplier", "Invoice",
            ]
        )
    }

    /// With the companies' time zone set, each bound carries the offset that zone has at that date's local
    /// midnight: winter and summer differ where daylight saving applies, so a backfill's first day is never cut.
    @Test(arguments: [
        ("Europe/Berlin", "2024-01-01", "+01:00", "+01:00"),
        ("Europe/Berlin", "2024-07-01", "+02:00", "+02:00"),
        ("America/Chicago", "2024-03-10", "-06:00", "-05:00"),
        ("Africa/Johannesburg", "2024-07-01", "+02:00", "+02:00"),
        ("Asia/Kolkata", "2024-01-01", "+05:30", "+05:30"),
        ("UTC", "2024-01-01", "Z", "Z"),
    ])
    func businessDateOffsetsFollowTheZone(
        _ zone: String,
        _ day: String,
        _ dayOffset: String,
        _ nextOffset: String
    )
        throws
    {
        var configuration = Self.configuration
        let timeZone = TimeZone(identifier: zone)
        #expect(timeZone != nil, "the test machine lacks the zone \(zone)")
        configuration.timeZone = timeZone
        let builder = ODataRequestBuilder(configuration: configuration)
        let plan = Self.smallPlan(.businessDate(column: "InvoiceDate", lookBackDays: 7))
        let filter = builder.filter(plan: plan, window: .businessDate(from: day, through: day), cursor: nil)
        let next = try #require(DateText.nextDay(day))
        #expect(filter == "InvoiceDate ge \(day)T00:00:00\(dayOffset) and InvoiceDate lt \(next)T00:00:00\(nextOffset)")
    }

    /// Edm.Date columns get plain date literals.
    @Test func edmDateLiterals() {
        let plan = Self.smallPlan(.businessDate(column: "InvoiceDate", lookBackDays: 7), kind: .date)
        let filter = Self.builder.filter(
            plan: plan,
            window: .businessDate(from: "2024-02-28", through: nil),
            cursor: nil
        )
        #expect(filter == "InvoiceDate ge 2024-02-28")
    }

    /// The keyset continuation is a lexicographic predicate over (date as sent, keys), with '' escaping.
    @Test func businessDateKeysetContinuation() {
        let plan = Self.smallPlan(.businessDate(column: "InvoiceDate", lookBackDays: 7))
        let cursor = PageCursor(rowVersion: nil, dateAsSent: "2024-03-31T00:00:00+02:00", keys: ["  O'N", "INV 1"])
        let filter = Self.builder.filter(
            plan: plan,
            window: .businessDate(from: "2024-01-01", through: nil),
            cursor: cursor
        )
        #expect(
            filter
                == "(InvoiceDate gt 2024-03-31T00:00:00+02:00 or (InvoiceDate eq 2024-03-31T00:00:00+02:00 and "
                + "(Supplier gt '  O''N' or (Supplier eq '  O''N' and (Invoice gt 'INV 1')))))"
        )
    }

    /// Snapshot keyset over decimal keys writes the key text unquoted.
    @Test func snapshotKeysetWithDecimalKeys() throws {
        let plan = try Self.plan("GenJournalCtl", strategy: .snapshot)
        let filter = Self.builder.filter(
            plan: plan,
            window: .snapshot,
            cursor: PageCursor(keys: ["2024", "3", "17"])
        )
        #expect(
            filter
                == "GlYear gt 2024 or (GlYear eq 2024 and (GlPeriod gt 3 or (GlPeriod eq 3 and (GlJournal gt 17))))"
        )
    }

    /// Company and table are percent-encoded path segments; a custom-form table keeps its '+'.
    @Test func pathSegmentsAreEncoded() {
        #expect(
            Self.builder.entityURL(company: "A B", table: "ApSupplier+")
                == "https://erp.example.com/SYSPRO8Odata/SYSPROOData/A%20B/ApSupplier%2B"
        )
        #expect(
            Self.builder.metadataURL(company: "A") == "https://erp.example.com/SYSPRO8Odata/SYSPROOData/A/$metadata"
        )
    }

    /// $skip appears only in skip mode.
    @Test func skipParameter() {
        let url = Self.builder.pageURL(
            plan: Self.smallPlan(.snapshot),
            company: "A",
            window: .snapshot,
            cursor: nil,
            top: 2,
            skip: 4
        )
        #expect(url.hasSuffix("$orderby=Supplier%2CInvoice&$top=2&$skip=4"))
    }

    /// Relative nextLinks resolve against the request; absolute ones are kept verbatim.
    @Test func nextLinkResolution() {
        let base = "https://h:8443/odata/A/ApInvoice?$top=2"
        #expect(
            Self.builder.resolveNextLink("https://x/y?$skiptoken=1", relativeTo: base) == "https://x/y?$skiptoken=1"
        )
        #expect(
            Self.builder.resolveNextLink("/odata/A/ApInvoice?$skiptoken=1", relativeTo: base)
                == "https://h:8443/odata/A/ApInvoice?$skiptoken=1"
        )
        #expect(
            Self.builder.resolveNextLink("ApInvoice?$skiptoken=1", relativeTo: base)
                == "https://h:8443/odata/A/ApInvoice?$skiptoken=1"
        )
    }

    /// Configuration validation catches a page size over SYSPRO's cap and a root without a scheme.
    @Test func configurationValidation() {
        var configuration = Self.configuration
        configuration.pageSize = 5001
        #expect(caught { try configuration.validate() }?.message.contains("pageSize") == true)
        configuration.pageSize = 10
        configuration.serviceRoot = "erp/odata"
        #expect(caught { try configuration.validate() }?.code == .configuration)
        #expect(caught { try Self.configuration.validate() } == nil)
    }
}

@Suite struct ODataPagerTests {
    static let plan = ODataRequestBuilderTests.smallPlan(.snapshot)

    func pager(top: Int = 2, mode: ODataConfiguration.PagingMode = .keyset) -> ODataPager {
        ODataPager(
            builder: ODataRequestBuilderTests.builder,
            plan: Self.plan,
            company: "A",
            window: .snapshot,
            top: top,
            mode: mode
        )
    }

    /// A full page continues after its last row; a short page finishes.
    @Test func keysetContinuesAfterFullPageAndStopsOnShortPage() throws {
        var pager = pager()
        guard case .fetch(let first) = pager.start() else {
            Issue.record("no first fetch")
            return
        }
        #expect(!first.contains("$filter"))
        let next = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: PageCursor(keys: ["S2", "I2"]))
        guard case .fetch(let second) = next else {
            Issue.record("no second fetch")
            return
        }
        #expect(second.contains("$filter=Supplier%20gt%20%27S2%27"))
        #expect(
            try pager.pageReceived(rowCount: 1, nextLink: nil, lastRow: PageCursor(keys: ["S3", "I1"])) == .finished
        )
    }

    /// An empty first page finishes the read.
    @Test func emptyFirstPageFinishes() throws {
        var pager = pager()
        _ = pager.start()
        #expect(try pager.pageReceived(rowCount: 0, nextLink: nil, lastRow: nil) == .finished)
    }

    /// A nextLink is followed verbatim, and the chain's rows count toward $top before keyset resumes.
    @Test func nextLinkIsFollowedThenKeysetResumes() throws {
        var pager = pager(top: 4)
        _ = pager.start()
        #expect(
            try pager.pageReceived(
                rowCount: 2,
                nextLink: "https://n/next?$skiptoken=x",
                lastRow: PageCursor(keys: ["a", "1"])
            )
                == .fetch("https://n/next?$skiptoken=x")
        )
        let action = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: PageCursor(keys: ["b", "2"]))
        guard case .fetch(let url) = action else {
            Issue.record("expected keyset fetch")
            return
        }
        #expect(url.contains("%27b%27"))
    }

    /// A cursor that does not move is an error, not an endless loop.
    @Test func stuckKeysetIsAnError() throws {
        var pager = pager()
        _ = pager.start()
        _ = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: PageCursor(keys: ["a", "1"]))
        let error = caught {
            _ = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: PageCursor(keys: ["a", "1"]))
        }
        #expect(error?.code == .protocolViolation)
    }

    /// Skip mode advances $skip by the rows received.
    @Test func skipModeAdvancesBySkip() throws {
        var pager = pager(mode: .skip)
        _ = pager.start()
        let action = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: PageCursor(keys: ["a", "1"]))
        guard case .fetch(let url) = action else {
            Issue.record("expected fetch")
            return
        }
        #expect(url.hasSuffix("$top=2&$skip=2"))
        guard case .fetch(let url2) = try pager.pageReceived(rowCount: 2, nextLink: nil, lastRow: nil) else {
            Issue.record("expected fetch")
            return
        }
        #expect(url2.hasSuffix("$skip=4"))
    }
}
