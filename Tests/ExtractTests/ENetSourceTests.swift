import Common
import Logging
import Synchronization
import Testing

@testable import Extract

@Suite struct ENetSourceTests {
    static let entry = CatalogEntry(
        table: "InvWarehouse",
        keyColumns: ["StockCode", "Warehouse"],
        columns: [
            CatalogColumn(name: "StockCode", sqlType: .varchar(30), nullable: false),
            CatalogColumn(name: "Warehouse", sqlType: .char(10), nullable: false),
            CatalogColumn(name: "QtyOnHand", sqlType: .decimal(precision: 18, scale: 6)),
            CatalogColumn(name: "DateLastSale", sqlType: .datetime),
            CatalogColumn(name: "TimeStamp", sqlType: .timestamp),
        ],
        changeStrategies: [.rowVersion, .snapshot]
    )

    static let configuration = ENetConfiguration(
        baseURL: "http://erp:31002/SYSPROWCFService/Rest",
        operatorName: "ADMIN",
        operatorPassword: "pw",
        companyId: "A",
        pageSize: 2,
        retryPolicy: .immediate(maxAttempts: 3)
    )

    /// A scripted e.net server: answers by path, with a queue of Query answers.
    final class FakeENet: Sendable {
        let queries: Mutex<[String]>
        let logonAnswers: Mutex<[String]>

        init(queries: [String], logons: [String] = ["1BB5B3050954BB459A5D034DB5CC386980  "]) {
            self.queries = Mutex(queries)
            self.logonAnswers = Mutex(logons)
        }

        func transport() -> ScriptedHTTPTransport {
            ScriptedHTTPTransport { request in
                let path = request.url.split(separator: "?")[0]
                let answer: String
                if path.hasSuffix("/Logon") {
                    answer = self.logonAnswers.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
                } else if path.hasSuffix("/Logoff") {
                    answer = "0"
                } else if path.hasSuffix("/GetVersion") {
                    answer = "8.0.0.1"
                } else {
                    answer = self.queries.withLock { $0.isEmpty ? "ERROR: no more scripted answers" : $0.removeFirst() }
                }
                return .respond(
                    status: 200,
                    headers: [HTTPHeader("Content-Type", "application/octet-stream")],
                    body: Array(answer.utf8)
                )
            }
        }
    }

    static func rows(_ items: [(String, String)]) -> String {
        var xml = #"<?xml version="1.0" encoding="Windows-1252"?><InvWarehouse Language='05'>"#
        xml += "<HeaderDetails><TableName>InvWarehouse</TableName></HeaderDetails>"
        for (stock, warehouse) in items {
            xml += "<Row><StockCode>\(stock)</StockCode><Warehouse>\(warehouse)</Warehouse>"
            xml += "<QtyOnHand>  1,234.500000</QtyOnHand><DateLastSale>0000-00-00</DateLastSale></Row>"
        }
        let count = String(items.count)
        xml += "<RowsReturned>\(String(repeating: " ", count: 7 - count.count))\(count)</RowsReturned></InvWarehouse>"
        return xml
    }

    static func source(_ transport: ScriptedHTTPTransport) throws -> ENetSource {
        try ENetSource(
            configuration: configuration,
            transport: transport,
            logger: Logger(label: "test"),
            clock: ManualClock()
        )
    }

    func read(_ source: ENetSource) throws -> (rows: [SourceRow], summary: ReadSummary) {
        let resolved = try source.resolve(Self.entry, company: "A")
        var rows: [SourceRow] = []
        let summary = try source.read(ExtractQuery(company: "A", entry: resolved.entry, window: .snapshot)) { page, _ in
            rows += page
        }
        return (rows, summary)
    }

    func paths(_ transport: ScriptedHTTPTransport) -> [String] {
        transport.requests.map { String($0.url.split(separator: "?")[0].split(separator: "/").last!) }
    }

    /// Logon, keyset pages until a short page, then Logoff; rows are cleaned and staged exactly.
    @Test func readsPagesInOneSession() throws {
        let fake = FakeENet(queries: [Self.rows([(" 001", "W1"), (" 001", "W2")]), Self.rows([("A&B", "W1")])])
        let transport = fake.transport()
        let result = try read(try Self.source(transport))
        #expect(paths(transport) == ["Logon", "Query", "Query", "Logoff"])
        #expect(
            transport.requests[0].url
                == "http://erp:31002/SYSPROWCFService/Rest/Logon?Operator=ADMIN&OperatorPassword=pw&CompanyId=A&CompanyPassword="
        )
        #expect(transport.requests[3].url.hasSuffix("/Logoff?UserId=1BB5B3050954BB459A5D034DB5CC386980"))
        #expect(
            transport.requests[1].url.contains(
                "UserId=1BB5B3050954BB459A5D034DB5CC386980&BusinessObject=COMFND&XmlIn=%3C%3Fxml"
            )
        )
        #expect(!transport.requests[1].url.contains("TimeStamp"))
        #expect(transport.requests[2].url.contains("%3CValue%3E%20001%3C%2FValue%3E"))
        #expect(result.rows.map(\.keyValues) == [[" 001", "W1"], [" 001", "W2"], ["A&B", "W1"]])
        #expect(
            result.rows[0].columnsText
                == #""StockCode":" 001","Warehouse":"W1","QtyOnHand":"1234.500000","DateLastSale":null"#
        )
        #expect(result.summary.pages == 2)
        #expect(result.summary.requests == 4)
    }

    /// A session error re-logs on once and retries once; both tokens are logged off.
    @Test func sessionExpiryRelogsOnceThenSucceeds() throws {
        let fake = FakeENet(
            queries: ["ERROR: Session expired for UserId", Self.rows([("S1", "W1")])],
            logons: ["TOKEN1  ", "\"TOKEN2\""]
        )
        let transport = fake.transport()
        let result = try read(try Self.source(transport))
        #expect(paths(transport) == ["Logon", "Query", "Logon", "Query", "Logoff", "Logoff"])
        #expect(transport.requests[3].url.contains("UserId=TOKEN2&"))
        #expect(transport.requests[4].url.hasSuffix("UserId=TOKEN1"))
        #expect(transport.requests[5].url.hasSuffix("UserId=TOKEN2"))
        #expect(result.rows.count == 1)
        #expect(result.summary.faults["sessionExpired"] == 1)
        #expect(result.summary.retries == 1)
    }

    /// A second session error after the fresh logon fails the read, and still logs off.
    @Test func secondSessionErrorFailsAndLogsOff() throws {
        let fake = FakeENet(queries: ["ERROR: Session expired", "ERROR: Session expired"], logons: ["T1", "T2"])
        let transport = fake.transport()
        let error = caught { _ = try read(try Self.source(transport)) }
        #expect(error?.message.contains("refused again") == true)
        #expect(paths(transport).suffix(2) == ["Logoff", "Logoff"])
    }

    /// Logoff is called on failure paths: an XML error, a licence error.
    @Test(arguments: [
        (
            "<InvWarehouse><ErrorNumber>100</ErrorNumber><ErrorDescription>Table not found</ErrorDescription></InvWarehouse>",
            SysproBQError.Disposition.terminal
        ),
        ("e.net exception 100000", .needsHuman),
    ])
    func logoffOnFailure(_ answer: String, _ disposition: SysproBQError.Disposition) throws {
        let fake = FakeENet(queries: [answer])
        let transport = fake.transport()
        let error = caught { _ = try read(try Self.source(transport)) }
        #expect(error?.disposition == disposition)
        #expect(paths(transport) == ["Logon", "Query", "Logoff"])
    }

    /// Logoff is called when the page consumer throws.
    @Test func logoffWhenConsumerThrows() throws {
        let fake = FakeENet(queries: [Self.rows([("S1", "W1")])])
        let transport = fake.transport()
        let source = try Self.source(transport)
        let resolved = try source.resolve(Self.entry, company: "A")
        let error = caught {
            _ = try source.read(ExtractQuery(company: "A", entry: resolved.entry, window: .snapshot)) { _, _ in
                throw SysproBQError(.fileSystem, "disk full", disposition: .needsHuman)
            }
        }
        #expect(error?.message == "disk full")
        #expect(paths(transport) == ["Logon", "Query", "Logoff"])
    }

    /// A refused logon is a credentials error that names the operator, never the password; nothing to log off.
    @Test func refusedLogonIsCredentialsError() throws {
        let fake = FakeENet(queries: [], logons: ["ERROR: Invalid operator password"])
        let transport = fake.transport()
        let error = caught { _ = try read(try Self.source(transport)) }
        #expect(error?.code == .credentials)
        #expect(error?.disposition == .needsHuman)
        #expect(error?.message.contains("ADMIN") == true)
        #expect(error?.message.contains("pw") == false)
        #expect(paths(transport) == ["Logon"])
    }

    /// An IIS error page echoing the URL never puts the password into the error.
    @Test func statusErrorScrubsPasswords() throws {
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 404, text: "<html>Requested URL /Logon?OperatorPassword=pw&x=1 not found</html>")
        ])
        let error = caught { _ = try read(try Self.source(transport)) }
        #expect(error?.code == .configuration)
        #expect(error?.disposition == .needsHuman)
        #expect(error.map { "\($0.detailedDescription)".contains("=pw") } == false)
    }

    /// check() reports the version and a successful logon, and logs off.
    @Test func checkPingsVersionAndLogon() throws {
        let transport = FakeENet(queries: []).transport()
        #expect(try Self.source(transport).check(company: "A") == "e.net 8.0.0.1: logon to company A succeeded")
        #expect(paths(transport) == ["GetVersion", "Logon", "Logoff"])
    }

    /// Resolving drops the rowversion (COMFND cannot return it) and falls back to the next strategy.
    @Test func resolveFallsBackFromRowVersion() throws {
        let resolved = try Self.source(FakeENet(queries: []).transport()).resolve(Self.entry, company: "A")
        #expect(resolved.strategy == .snapshot)
        #expect(resolved.entry.versionKind == "contentHash")
    }
}
