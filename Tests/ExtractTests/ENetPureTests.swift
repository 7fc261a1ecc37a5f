import Common
import Testing

@testable import Extract

@Suite struct ENetRequestBuilderTests {
    static let configuration = ENetConfiguration(
        baseURL: "http://erp:31002/SYSPROWCFService/Rest/",
        operatorName: "ADMIN",
        operatorPassword: "p&ss w",
        companyId: "A",
        companyPassword: ""
    )
    static let builder = ENetRequestBuilder(configuration: configuration)

    /// Logon, Logoff and GetVersion URLs carry their parameters percent-encoded.
    @Test func sessionURLs() {
        #expect(
            Self.builder.logonURL(company: "A")
                == "http://erp:31002/SYSPROWCFService/Rest/Logon?Operator=ADMIN&OperatorPassword=p%26ss%20w&CompanyId=A&CompanyPassword="
        )
        #expect(
            Self.builder.logoffURL(token: "3EA613166FE4BF47925DF1CEA14E910100")
                == "http://erp:31002/SYSPROWCFService/Rest/Logoff?UserId=3EA613166FE4BF47925DF1CEA14E910100"
        )
        #expect(Self.builder.getVersionURL == "http://erp:31002/SYSPROWCFService/Rest/GetVersion")
        #expect(!Redaction.url(Self.builder.logonURL(company: "A")).contains("p%26ss"))
    }

    /// The first COMFND page asks for the columns, ordered by key, with no Where.
    @Test func firstPageXmlIn() throws {
        let entry = try Catalog.builtIn.entry(for: "InvWarehouse").withoutRowVersion()
        let xml = Self.builder.comfndXmlIn(entry: entry, window: .snapshot, cursor: nil, returnRows: 500)
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="Windows-1252"?><Query xmlns:xsd="#))
        #expect(
            xml.contains(
                "<TableName>InvWarehouse</TableName><ReturnRows>500</ReturnRows><Columns><Column>StockCode</Column>"
            )
        )
        #expect(!xml.contains("<Where>"))
        #expect(xml.hasSuffix("<OrderBy><Column>StockCode</Column><Column>Warehouse</Column></OrderBy></Query>"))
    }

    /// A compound-key continuation is a disjunction of bracketed conjunctions.
    @Test func compoundKeysetWhere() throws {
        let entry = try Catalog.builtIn.entry(for: "InvWarehouse").withoutRowVersion()
        let xml = Self.builder.comfndXmlIn(
            entry: entry,
            window: .snapshot,
            cursor: PageCursor(keys: [" A&B", "W1"]),
            returnRows: 2
        )
        let expected =
            "<Where>"
            + "<Expression><OpenBracket>(</OpenBracket><AndOr>And</AndOr><Column>StockCode</Column><Condition>GT</Condition>"
            + "<Value> A&amp;B</Value><CloseBracket>)</CloseBracket></Expression>"
            + "<Expression><OpenBracket>(</OpenBracket><AndOr>Or</AndOr><Column>StockCode</Column><Condition>EQ</Condition>"
            + "<Value> A&amp;B</Value><CloseBracket></CloseBracket></Expression>"
            + "<Expression><OpenBracket></OpenBracket><AndOr>And</AndOr><Column>Warehouse</Column><Condition>GT</Condition>"
            + "<Value>W1</Value><CloseBracket>)</CloseBracket></Expression>"
            + "</Where>"
        #expect(xml.contains(expected))
    }

    /// A business-date window bounds the date and continues after (date, key).
    @Test func businessDateWhere() throws {
        let entry = try Catalog.builtIn.entry(for: "GenJournalDetail").withoutRowVersion()
        let clause = Self.builder.whereClause(
            entry: entry,
            window: .businessDate(from: "2024-01-01", through: "2024-01-31"),
            cursor: PageCursor(dateAsSent: "2024-01-05", keys: ["2024", "1", "7", "3"])
        )
        #expect(clause.count == 5)
        #expect(clause[0].map(\.operation) == ["GT", "LE"])
        #expect(clause[4].map(\.operation) == ["EQ", "EQ", "EQ", "EQ", "GT"])
        #expect(clause[4].first?.value == "2024-01-05")
    }

    /// The query URL percent-encodes XmlIn completely.
    @Test func queryURLEncodesXmlIn() {
        let url = Self.builder.queryURL(token: "T1", businessObject: "COMFND", xmlIn: "<Query a='1'>x y</Query>")
        #expect(
            url
                == "http://erp:31002/SYSPROWCFService/Rest/Query/Query?UserId=T1&BusinessObject=COMFND&XmlIn=%3CQuery%20a%3D%271%27%3Ex%20y%3C%2FQuery%3E"
        )
    }
}

@Suite struct ENetResponseTests {
    static let words = ENetRequestBuilderTests.configuration.sessionErrorWords

    /// The logon token is unwrapped from its three forms and trimmed.
    @Test(arguments: [
        "3EA613166FE4BF47925DF1CEA14E910100  ",
        "\"3EA613166FE4BF47925DF1CEA14E910100  \"",
        #"<string xmlns="http://schemas.microsoft.com/2003/10/Serialization/">3EA613166FE4BF47925DF1CEA14E910100  </string>"#,
    ])
    func tokenIsUnwrapped(_ body: String) {
        #expect(ENetResponse.unwrap(body) == "3EA613166FE4BF47925DF1CEA14E910100")
    }

    /// A malformed `<string` wrapper whose first '>' follows `</string>` is left as it is, not a crash (fuzz find).
    @Test(arguments: ["<string</string>", "<string</string>x>", "<string xmlns='a'"])
    func malformedStringWrapperIsNotUnwrapped(_ body: String) {
        #expect(ENetResponse.unwrap(body) == body)
    }

    /// ERROR bodies, session errors, licence errors and XML errors are told apart.
    @Test(arguments: [
        ("ERROR: Invalid operator password", ENetResponse.Outcome.error("Invalid operator password")),
        ("\"ERROR: Session expired\"", .sessionExpired("Session expired")),
        ("ERROR: UserId 123 is not logged on", .sessionExpired("UserId 123 is not logged on")),
        ("e.net exception 100000", .notLicensed("e.net exception 100000")),
        (
            "<InvSws><ErrorNumber>240004</ErrorNumber><ErrorDescription>Stock code '1004' not found</ErrorDescription></InvSws>",
            .error("Stock code '1004' not found (error 240004)")
        ),
        ("<Exception><Message>Invalid session</Message></Exception>", .sessionExpired("Invalid session")),
        ("<InvMaster><Row><StockCode>A</StockCode></Row></InvMaster>", .success),
        ("0", .success),
    ])
    func outcomesAreClassified(_ body: String, _ expected: ENetResponse.Outcome) {
        #expect(ENetResponse.outcome(of: Array(body.utf8), sessionWords: Self.words) == expected)
    }

    static let entry = CatalogEntry(
        table: "PorMasterDetail",
        keyColumns: ["PurchaseOrder", "Line"],
        columns: [
            CatalogColumn(name: "PurchaseOrder", sqlType: .varchar(20), nullable: false),
            CatalogColumn(name: "Line", sqlType: .decimal(precision: 4, scale: 0), nullable: false),
            CatalogColumn(name: "MStockDes", sqlType: .char(50)),
            CatalogColumn(name: "MOrderQty", sqlType: .decimal(precision: 18, scale: 6)),
            CatalogColumn(name: "MPrice", sqlType: .decimal(precision: 15, scale: 5)),
            CatalogColumn(name: "MLatestDueDate", sqlType: .datetime),
            CatalogColumn(name: "MLastReceiptDat", sqlType: .datetime),
        ],
        changeStrategies: [.snapshot]
    )

    /// A cp1252 COMFND page with edited numbers, padded values, odd dates and lower-case names stages exactly.
    @Test func comfndPageStagesExactly() throws {
        var bytes = Array(#"<?xml version="1.0" encoding="Windows-1252"?>"#.utf8)
        bytes += Array(
            "<pormasterdetail Language='05'><HeaderDetails><TableName>PorMasterDetail</TableName></HeaderDetails>".utf8
        )
        bytes += Array("<row><purchaseorder> 00001</purchaseorder><line>   1</line><mstockdes>Caf".utf8)
        bytes += [0xE9, 0x20, 0x80, 0x20, 0x9C, 0x20, 0x92, 0x20]  // é € œ ’
        bytes += Array("</mstockdes><MOrderQty>38,400.000</MOrderQty>".utf8)
        bytes += Array(
            "<Unedited_MOrderQty>       38400.000000</Unedited_MOrderQty><MPrice>  1,234.50000</MPrice>".utf8
        )
        bytes += Array(
            "<MLatestDueDate>0000-00-00</MLatestDueDate><MLastReceiptDat>2017/08/02</MLastReceiptDat></row>".utf8
        )
        bytes += Array("<RowsReturned>      1</RowsReturned></pormasterdetail>".utf8)
        let utf8 = try ENetResponse.utf8Body(bytes, policy: .reject, what: "COMFND")
        let root = try XMLTree.parse(utf8, what: "COMFND")
        var raw = RawRow(columnCount: Self.entry.columns.count)
        var builder = SourceRowBuilder(entry: Self.entry)
        var rows: [SourceRow] = []
        let result = try ComfndResult.readRows(root, entry: Self.entry, raw: &raw) {
            rows.append(try builder.build($0))
        }
        #expect(result.rows == 1)
        #expect(result.rowsReturned == 1)
        let row = try #require(rows.first)
        #expect(
            row.columnsText
                == #""PurchaseOrder":" 00001","Line":"1","MStockDes":"Café € œ ’ ","MOrderQty":"38400.000000","#
                + #""MPrice":"1234.50000","MLatestDueDate":null,"MLastReceiptDat":"2017-08-02""#
        )
        #expect(row.keyValues == [" 00001", "1"])
    }
}

@Suite struct ENetMissingColumnTests {
    /// An e.net error naming a non-essential catalog column tells the operator to exclude exactly that column.
    @Test func missingColumnNamesExcludeColumns() throws {
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        let remedy = ENetSource.missingColumnRemedy(
            "e.net Query/COMFND failed: Column 'PostCurrency' not found in table 'ApInvoice'",
            entry: entry
        )
        #expect(
            remedy == """
                if this SYSPRO lacks PostCurrency, add exclude_columns = ["PostCurrency"] to [tables.ApInvoice] \
                (list every missing column; e.net cannot discover them)
                """
        )
    }

    /// A missing key column cannot be excluded: the remedy says so instead.
    @Test func missingKeyColumnIsEssential() throws {
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        let remedy = ENetSource.missingColumnRemedy("Column 'Supplier' not found in table 'ApInvoice'", entry: entry)
        #expect(remedy?.hasPrefix("Supplier is essential to ApInvoice") == true)
    }

    /// An error that names no column of the table gets no column remedy.
    @Test func unrelatedErrorGetsNoRemedy() throws {
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        #expect(ENetSource.missingColumnRemedy("ERROR: Invalid operator", entry: entry) == nil)
    }
}
