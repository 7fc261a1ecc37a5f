import Common
import Logging
import Testing

@testable import Extract

@Suite struct ODataSourceTests {
    static let entry = ODataRequestBuilderTests.smallEntry

    static func configuration(pageSize: Int = 3, maxAttempts: Int = 3) -> ODataConfiguration {
        ODataConfiguration(
            serviceRoot: "https://erp.example.com/odata",
            operatorName: "ADMIN",
            password: "s3cret",
            pageSize: pageSize,
            rowVersionAvailability: .available,
            useMetadata: false,
            retryPolicy: RetryPolicy(initialDelay: 1, multiplier: 2, maximumDelay: 30, maxAttempts: maxAttempts)
        )
    }

    static func source(
        _ transport: ScriptedHTTPTransport,
        configuration: ODataConfiguration = configuration(),
        clock: ManualClock = ManualClock()
    ) throws -> ODataSource {
        try ODataSource(
            configuration: configuration,
            transport: transport,
            logger: Logger(label: "test"),
            clock: clock,
            random: { 0.5 }
        )
    }

    /// A JSON page of rows numbered `numbers`.
    static func page(_ numbers: [Int], nextLink: String? = nil) -> ScriptedResponse {
        let rows = numbers.map { number in
            let version = Base64.encode([0, 0, 0, 0, 0, 0, 0x10, UInt8(number)])
            return
                #"{"Supplier":"S\#(number)","Invoice":"I\#(number)","InvoiceDate":"2024-01-0\#(number % 9 + 1)T00:00:00+02:00","TimeStamp":"\#(version)"}"#
        }
        var body = #"{"@odata.context":"x","value":["# + rows.joined(separator: ",") + "]"
        if let nextLink { body += #","@odata.nextLink":"\#(nextLink)""# }
        body += "}"
        return .respond(
            status: 200,
            headers: [HTTPHeader("Content-Type", "application/json; odata.metadata=minimal")],
            text: body
        )
    }

    func read(
        _ source: ODataSource,
        window: ExtractQuery.Window
    ) throws -> (
        rows: [SourceRow], pages: [PageInfo], summary: ReadSummary
    ) {
        var rows: [SourceRow] = []
        var pages: [PageInfo] = []
        let summary = try source.read(ExtractQuery(company: "A", entry: Self.entry, window: window)) { page, info in
            rows += page
            pages.append(info)
        }
        return (rows, pages, summary)
    }

    /// The request is an exact GET with Basic credentials, OData Accept header and encoded query.
    @Test func firstRequestIsExact() throws {
        let transport = ScriptedHTTPTransport(responses: [Self.page([1])])
        _ = try read(try Self.source(transport), window: .rowVersion(after: "0x00000000000007D1"))
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(
            request.url
                == "https://erp.example.com/odata/A/ApInvoice?$select=Supplier%2CInvoice%2CInvoiceDate%2CTimeStamp"
                + "&$filter=TimeStamp%20gt%20binary%27AAAAAAAAB9E%3D%27&$orderby=TimeStamp&$top=3"
        )
        #expect(request.basicAuth == BasicCredentials(user: "ADMIN", password: "s3cret"))
        #expect(request.headers.value(for: "Accept") == "application/json;odata.metadata=minimal")
        #expect(request.totalTimeout == 120)
    }

    /// Rowversion keyset paging over scripted pages delivers every row once and continues after the last version.
    @Test func rowVersionKeysetCoversEveryRowOnce() throws {
        let transport = ScriptedHTTPTransport(responses: [Self.page([1, 2, 3]), Self.page([4, 5, 6]), Self.page([7])])
        let result = try read(try Self.source(transport), window: .rowVersion(after: nil))
        #expect(result.rows.map(\.keyValues) == (1...7).map { ["S\($0)", "I\($0)"] })
        #expect(transport.requests.count == 3)
        #expect(transport.requests[1].url.contains("$filter=TimeStamp%20gt%20binary%27AAAAAAAAEAM%3D%27"))
        #expect(transport.requests[2].url.contains("$filter=TimeStamp%20gt%20binary%27AAAAAAAAEAY%3D%27"))
        #expect(result.pages.map(\.isLast) == [false, false, true])
        #expect(result.summary.rows == 7)
        #expect(result.summary.pages == 3)
        #expect(result.summary.maxRowVersion == "0x0000000000001007")
        #expect(result.summary.requests == 3)
    }

    /// Snapshot keyset paging continues after the last key with the compound predicate.
    @Test func snapshotKeysetContinuesAfterLastKey() throws {
        let transport = ScriptedHTTPTransport(responses: [Self.page([1, 2, 3]), Self.page([])])
        let result = try read(try Self.source(transport), window: .snapshot)
        #expect(result.rows.count == 3)
        #expect(
            transport.requests[1].url.contains(
                "$filter=Supplier%20gt%20%27S3%27%20or%20%28Supplier%20eq%20%27S3%27%20and%20%28Invoice%20gt%20%27I3%27%29%29"
            )
        )
        #expect(transport.requests[1].url.contains("$orderby=Supplier%2CInvoice"))
    }

    /// Bodies arriving in 5-byte chunks through the client give the same rows.
    @Test func smallChunksThroughTheClient() throws {
        let transport = ScriptedHTTPTransport(chunkSize: 5, responses: [Self.page([1, 2, 3]), Self.page([4])])
        let result = try read(try Self.source(transport), window: .snapshot)
        #expect(result.rows.map(\.keyValues) == (1...4).map { ["S\($0)", "I\($0)"] })
        #expect(result.rows[0].columnsText == #""Supplier":"S1","Invoice":"I1","InvoiceDate":"2024-01-02""#)
    }

    /// A business-date read continues after the date exactly as the server sent it.
    @Test func businessDateContinuesAfterDateAsSent() throws {
        let transport = ScriptedHTTPTransport(responses: [Self.page([1, 2, 3]), Self.page([4])])
        let result = try read(try Self.source(transport), window: .businessDate(from: "2024-01-01", through: nil))
        #expect(result.rows.count == 4)
        #expect(transport.requests[0].url.contains("$filter=InvoiceDate%20ge%202024-01-01T00%3A00%3A00Z"))
        #expect(transport.requests[1].url.contains("InvoiceDate%20gt%202024-01-04T00%3A00%3A00%2B02%3A00"))
        #expect(result.summary.maxBusinessDate == "2024-01-05")
    }

    /// nextLinks are followed verbatim until a page has none.
    @Test func nextLinkIsFollowedVerbatim() throws {
        let link = "https://erp.example.com/odata/A/ApInvoice?$skiptoken=%27S2%27"
        let transport = ScriptedHTTPTransport(responses: [Self.page([1, 2], nextLink: link), Self.page([3])])
        let result = try read(
            try Self.source(transport, configuration: Self.configuration(pageSize: 5)),
            window: .snapshot
        )
        #expect(transport.requests.map(\.url).last == link)
        #expect(result.rows.count == 3)
        #expect(result.summary.nextLinksFollowed == 1)
    }

    /// 503 with Retry-After is retried after the server's delay and counted; the page is delivered once.
    @Test func retryAfterIsHonouredAndCounted() throws {
        let clock = ManualClock()
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 503, headers: [HTTPHeader("Retry-After", "7")], text: "busy"), Self.page([1]),
        ])
        let result = try read(try Self.source(transport, clock: clock), window: .snapshot)
        #expect(clock.sleeps == [7])
        #expect(result.summary.retries == 1)
        #expect(result.summary.faults["http 503"] == 1)
        #expect(result.pages.first?.retries == 1)
        #expect(result.rows.count == 1)
    }

    /// A body cut mid-page is retried and its partial rows are not delivered.
    @Test func truncatedBodyIsRetriedWithoutDuplicates() throws {
        guard case .respond(_, let headers, let body) = Self.page([1, 2]) else { return }
        let transport = ScriptedHTTPTransport(
            chunkSize: 7,
            responses: [
                .truncated(status: 200, headers: headers, body: body, deliverBytes: body.count - 5), Self.page([1, 2]),
            ]
        )
        let result = try read(try Self.source(transport), window: .snapshot)
        #expect(result.rows.map(\.keyValues) == [["S1", "I1"], ["S2", "I2"]])
        #expect(result.summary.retries == 1)
        #expect(result.summary.faults["transport"] == 1)
    }

    /// Statuses are classified: credentials and permissions need a human, bad queries and unknown tables are
    /// terminal, throttling and server errors are retryable.
    @Test(arguments: [
        (401, SysproBQError.Code.credentials, SysproBQError.Disposition.needsHuman, "restart it after enabling"),
        (403, .credentials, .needsHuman, "Operator Maintenance"),
        (404, .configuration, .terminal, "no table 'ApInvoice' for company A"),
        (400, .remote, .terminal, "The query specified in the URI is not valid"),
        (429, .remote, .retryable, "HTTP 429"),
        (500, .remote, .retryable, "HTTP 500"),
        (503, .remote, .retryable, "HTTP 503"),
    ])
    func statusesAreClassified(
        _ status: Int,
        _ code: SysproBQError.Code,
        _ disposition: SysproBQError.Disposition,
        _ fragment: String
    ) throws {
        let body = #"{"error":{"code":"","message":"The query specified in the URI is not valid."}}"#
        let transport = ScriptedHTTPTransport(responses: [.respond(status: status, text: body)])
        let source = try Self.source(transport, configuration: Self.configuration(maxAttempts: 1))
        let error = caught { _ = try read(source, window: .snapshot) }
        #expect(error?.code == code)
        #expect(error?.disposition == disposition)
        let text = (error?.message ?? "") + (error?.remedy ?? "")
        #expect(text.contains(fragment), "\(text)")
        #expect(!text.contains("s3cret"))
    }

    /// A 404 on $metadata means no metadata; the read goes on with configured literal forms.
    @Test func metadata404FallsBackToConfiguration() throws {
        var configuration = Self.configuration()
        configuration.useMetadata = true
        configuration.rowVersionAvailability = .auto
        let transport = ScriptedHTTPTransport(responses: [.respond(status: 404, text: "Not Found")])
        let resolved = try Self.source(transport, configuration: configuration).resolve(Self.entry, company: "A")
        #expect(resolved.strategy == .businessDate(column: "InvoiceDate", lookBackDays: 7))
        #expect(resolved.entry.rowVersionColumn == nil)
        #expect(transport.requests.first?.url == "https://erp.example.com/odata/A/$metadata")
    }

    /// With TimeStamp in $metadata and a probe the server accepts, the rowversion strategy is kept.
    @Test func resolveProbesRowVersionFilter() throws {
        var configuration = Self.configuration()
        configuration.useMetadata = true
        configuration.rowVersionAvailability = .auto
        let csdl = ODataMetadataTests.csdl.replacingAll(
            #"<Property Name="OrigInvValue" Type="Edm.Decimal" Precision="14" Scale="2"/>"#,
            with: ""
        )
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 200, text: csdl), .respond(status: 400, text: #"{"error":{"code":"","message":"no"}}"#),
        ])
        let resolved = try Self.source(transport, configuration: configuration).resolve(Self.entry, company: "A")
        #expect(resolved.strategy == .businessDate(column: "InvoiceDate", lookBackDays: 7))
        #expect(resolved.entry.rowVersionColumn == "TimeStamp")
        #expect(resolved.notes.contains("the service rejected a TimeStamp filter"))
        #expect(transport.requests[1].url.contains("$filter=TimeStamp%20gt%20binary%27AAAAAAAAAAA%3D%27"))
    }

    /// An HTML page with status 200 is a protocol error that needs a human, with a remedy.
    @Test func htmlPageWithStatus200() throws {
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 200, headers: [HTTPHeader("Content-Type", "text/html")], text: "<html>IIS</html>")
        ])
        let error = caught { _ = try read(try Self.source(transport), window: .snapshot) }
        #expect(error?.code == .protocolViolation)
        #expect(error?.disposition == .needsHuman)
        #expect(error?.remedy?.contains("service root") == true)
    }

    /// An HTML page in place of $metadata is the same needs-a-human stop as on a data page, not "no entity
    /// types" (make chaos, seed 407102: the simulator's html200 fault on $metadata).
    @Test func htmlPageInPlaceOfMetadata() throws {
        var configuration = Self.configuration()
        configuration.useMetadata = true
        configuration.rowVersionAvailability = .auto
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 200, headers: [HTTPHeader("Content-Type", "text/html")], text: "<html>IIS</html>")
        ])
        let error = caught {
            _ = try Self.source(transport, configuration: configuration).resolve(Self.entry, company: "A")
        }
        #expect(error?.code == .protocolViolation)
        #expect(error?.disposition == .needsHuman)
        #expect(error?.message.contains("an HTML page") == true)
        #expect(error?.message.contains("$metadata XML document") == true)
        #expect(transport.requests.count == 1)
    }

    /// A cut $metadata document (malformed XML) is fetched again within the run.
    @Test func cutMetadataIsFetchedAgain() throws {
        var configuration = Self.configuration()
        configuration.useMetadata = true
        configuration.rowVersionAvailability = .auto
        let csdl = ODataMetadataTests.csdl
        let cut = String(csdl.prefix(csdl.count / 2 + csdl.count / 7))
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 200, text: cut), .respond(status: 200, text: csdl),
            .respond(status: 200, text: #"{"value":[]}"#),
        ])
        let resolved = try Self.source(transport, configuration: configuration).resolve(Self.entry, company: "A")
        #expect(resolved.entry.rowVersionColumn == "TimeStamp")
        #expect(transport.requests.prefix(2).allSatisfy { $0.url.hasSuffix("$metadata") })
    }

    /// Two rows with the same key in key order stop the read (a wrong catalog key would skip rows).
    @Test func repeatedKeyStopsTheRead() throws {
        let transport = ScriptedHTTPTransport(responses: [Self.page([1, 1])])
        let error = caught { _ = try read(try Self.source(transport), window: .snapshot) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("not unique") == true)
    }

    /// The first row of a page is checked against the last row of the page before (keyset paging resumes there).
    @Test func keyRepeatedAcrossPagesStopsTheRead() throws {
        for window in [ExtractQuery.Window.snapshot, .rowVersion(after: nil)] {
            let transport = ScriptedHTTPTransport(responses: [Self.page([1, 2, 3]), Self.page([3, 4])])
            var delivered: [Int] = []
            let error = caught {
                _ = try Self.source(transport).read(ExtractQuery(company: "A", entry: Self.entry, window: window)) {
                    _,
                    info in delivered.append(info.rowCount)
                }
            }
            #expect(error?.code == .invalidData, "\(window)")
            #expect(error?.message.contains("not unique") == true, "\(window)")
            #expect(error?.message.contains("Supplier='S3'") == true, "\(window)")
            #expect(delivered == [3], "the valid first page is delivered, the second is not (\(window))")
        }
    }

    /// A rowversion read cannot continue after a row without TimeStamp.
    @Test func rowWithoutTimeStampStopsARowVersionRead() throws {
        let body =
            #"{"value":[{"Supplier":"S1","Invoice":"I1","InvoiceDate":"2024-01-01T00:00:00Z","TimeStamp":null}]}"#
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], text: body)
        ])
        let error = caught { _ = try read(try Self.source(transport), window: .rowVersion(after: nil)) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("no TimeStamp") == true)
    }
}
