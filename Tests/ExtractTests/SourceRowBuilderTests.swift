import Common
import Testing

@testable import Extract

@Suite struct SourceRowBuilderTests {
    static let entry = CatalogEntry(
        table: "ApInvoice",
        keyColumns: ["Supplier", "Invoice"],
        columns: [
            CatalogColumn(name: "Supplier", sqlType: .varchar(15), nullable: false),
            CatalogColumn(name: "Invoice", sqlType: .varchar(20), nullable: false),
            CatalogColumn(name: "OrigInvValue", sqlType: .decimal(precision: 14, scale: 2)),
            CatalogColumn(name: "InvoiceDate", sqlType: .datetime),
            CatalogColumn(name: "Notes", sqlType: .varchar(50)),
            CatalogColumn(name: "Year", sqlType: .decimal(precision: 4, scale: 0)),
            CatalogColumn(name: "TimeStamp", sqlType: .timestamp),
        ],
        changeStrategies: [.rowVersion],
        businessDateColumn: "InvoiceDate",
        amountColumns: ["OrigInvValue"]
    )

    func build(_ body: String) throws -> SourceRow {
        var builder = SourceRowBuilder(entry: Self.entry)
        var rows: [SourceRow] = []
        var scanner = ODataPageScanner(entity: "ApInvoice", columns: Self.entry.columns.map(\.name))
        let bytes = Array("{\"value\":[\(body)]}".utf8)
        try bytes.withUnsafeBytes { buffer in
            try scanner.feed(buffer) { raw in rows.append(try builder.build(raw)) }
        }
        try scanner.finish()
        return try #require(rows.first)
    }

    /// A row renders in the staged format with the exact decimal text, the date part and the row version.
    @Test func rendersStagedFormat() throws {
        let row = try build(
            #"{"Supplier":"   10","Invoice":"INV-001","OrigInvValue":1234.50,"InvoiceDate":"2024-03-31T00:00:00+02:00","#
                + #""Notes":null,"Year":2024,"TimeStamp":"AAAAAAAAB9E="}"#
        )
        #expect(
            row.columnsText
                == #""Supplier":"   10","Invoice":"INV-001","OrigInvValue":"1234.50","InvoiceDate":"2024-03-31","#
                + #""Notes":null,"Year":"2024""#
        )
        #expect(row.keyValues == ["   10", "INV-001"])
        #expect(row.rowVersion == "0x00000000000007D1")
        #expect(row.businessDate == "2024-03-31")
        #expect(row.amounts == ["1234.50"])
    }

    /// Decimal, integer and date keys, amounts and the business date are the same text as their columns (the
    /// builder reads them back from the rendered row), for numbers and strings, a leading `+`, leading zeros, a
    /// NULL amount, a bit key, and a business date with a time of day (date part only).
    @Test(
        arguments: [
            (
                #""Year":2024,"Line":"007","When":"2024-02-29T13:45:00","Flag":"1","A1":"-0.50","A2":null"#,
                ["2024", "007", "2024-02-29T13:45:00", "1"], ["-0.50", nil], "2024-02-29"
            ),
            (
                #""Year":"0099","Line":12,"When":"2023-12-31","Flag":"0","A1":12.5,"A2":"+3""#,
                ["0099", "12", "2023-12-31T00:00:00", "0"], ["12.5", "3"], "2023-12-31"
            ),
        ] as [(String, [String], [String?], String)]
    )
    func keysAmountsAndDateMatchTheirColumns(
        members: String,
        keys: [String],
        amounts: [String?],
        businessDate: String
    ) throws {
        let entry = CatalogEntry(
            table: "Mixed",
            keyColumns: ["Year", "Line", "When", "Flag"],
            columns: [
                CatalogColumn(name: "Year", sqlType: .decimal(precision: 4, scale: 0), nullable: false),
                CatalogColumn(name: "Line", sqlType: .integer("int"), nullable: false),
                CatalogColumn(name: "When", sqlType: .datetime, nullable: false, hasTimeOfDay: true),
                CatalogColumn(name: "Flag", sqlType: .bit, nullable: false),
                CatalogColumn(name: "A1", sqlType: .decimal(precision: 14, scale: 2)),
                CatalogColumn(name: "A2", sqlType: .decimal(precision: 14, scale: 2)),
            ],
            changeStrategies: [.snapshot],
            businessDateColumn: "When",
            amountColumns: ["A1", "A2"]
        )
        var builder = SourceRowBuilder(entry: entry)
        var rows: [SourceRow] = []
        var scanner = ODataPageScanner(entity: "Mixed", columns: entry.columns.map(\.name))
        let bytes = Array("{\"value\":[{\(members)}]}".utf8)
        try bytes.withUnsafeBytes { buffer in
            try scanner.feed(buffer) { raw in rows.append(try builder.build(raw)) }
        }
        try scanner.finish()
        let row = try #require(rows.first)
        #expect(row.keyValues == keys)
        #expect(row.amounts == amounts)
        #expect(row.businessDate == businessDate)
        #expect(row.columnsText.contains(#""Year":"\#(keys[0])","Line":"\#(keys[1])","When":"\#(keys[2])""#))
    }

    /// Decimals sent as strings, with a leading '+', keep their digits; strings are re-escaped canonically.
    @Test func decimalStringsAndEscapes() throws {
        let row = try build(
            #"{"Supplier":"0\"1","Invoice":"a\u0001\/b","OrigInvValue":"+0007.10","InvoiceDate":null,"Year":-0}"#
        )
        #expect(
            row.columnsText
                == #""Supplier":"0\"1","Invoice":"a\u0001/b","OrigInvValue":"0007.10","InvoiceDate":null,"Notes":null,"Year":"-0""#
        )
        #expect(row.rowVersion == nil)
        #expect(row.businessDate == nil)
    }

    /// Out-of-range and malformed decimals are invalidData errors naming table, key and column.
    @Test(arguments: ["1234567890123.00", "1.005", "1e3", "\"12,5\"", "\"abc\"", "true"])
    func badDecimalsAreRejected(_ value: String) {
        let error = caught {
            _ = try build(#"{"Supplier":"S1","Invoice":"I1","OrigInvValue":\#(value),"Year":1}"#)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("ApInvoice") == true)
        #expect(error?.message.contains("Supplier='S1', Invoice='I1'") == true)
        #expect(error?.message.contains("OrigInvValue") == true)
    }

    /// The exponent error says why exponents are refused.
    @Test func exponentErrorIsClear() {
        let error = caught { _ = try build(#"{"Supplier":"S1","Invoice":"I1","OrigInvValue":1.5E+2}"#) }
        #expect(error?.message.contains("exponent") == true)
    }

    /// A null or missing key is an error, never a silently dropped row.
    @Test func nullKeyIsAnError() {
        let error = caught { _ = try build(#"{"Supplier":null,"Invoice":"I1"}"#) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("Supplier") == true)
    }

    /// Decimal validation agrees with Common's ExactDecimal.fits on a table of values.
    @Test(arguments: [
        ("999999999999.99", 14, 2), ("1000000000000.00", 14, 2), ("-0.01", 14, 2), ("0.001", 14, 2),
        ("0.0010", 14, 3), ("00000000000001.5", 14, 2), ("99999999999999999999999999999.999999999", 38, 9),
        ("100000000000000000000000000000", 38, 9), ("12345678901234567890123456789012345678", 38, 0),
    ])
    func decimalRangeAgreesWithExactDecimal(_ text: String, _ precision: Int, _ scale: Int) throws {
        let ours = DecimalText.normalized(text, precision: precision, scale: scale)
        let exact = try #require(ExactDecimal(text))
        let accepted = (try? ours.get()) != nil
        #expect(accepted == exact.fits(precision: precision, scale: scale), "\(text)")
    }

    /// Dates normalise to YYYY-MM-DD or a zone-less date-time; impossible dates fail.
    @Test(arguments: [
        ("2024-03-31T00:00:00+02:00", false, "2024-03-31"), ("2024-03-31", false, "2024-03-31"),
        ("2024/08/02", false, "2024-08-02"), ("2024-03-31T13:45:10.1234560Z", true, "2024-03-31T13:45:10.123456"),
        ("2024-03-31T13:45Z", true, "2024-03-31T13:45:00"), ("2024-02-29", false, "2024-02-29"),
    ])
    func datesNormalise(_ text: String, _ keepTime: Bool, _ expected: String) {
        #expect((try? DateText.normalized(text, keepTime: keepTime).get()) == expected)
    }

    @Test(arguments: [
        "2023-02-29", "2024-13-01", "0000-00-00", "2024-3-1", "2024-03-31T25:00:00", "2024-01-01T00:00:00.1234567Z",
    ])
    func impossibleDatesFail(_ text: String) {
        #expect((try? DateText.normalized(text, keepTime: true).get()) == nil)
    }

    /// Rowversions convert between base64, staged hex and the OData binary literal.
    @Test func rowVersionConversions() {
        #expect(RowVersionText.staged(fromWire: "AAAAAAAAB9E=") == "0x00000000000007D1")
        #expect(RowVersionText.staged(fromWire: "0x00000000000007d1") == "0x00000000000007D1")
        #expect(RowVersionText.staged(fromWire: "AAAA") == nil)
        #expect(ODataLiteral.rowVersion("0x00000000000007D1") == "binary'AAAAAAAAB9E='")
        #expect(Base64.decode(Base64.encode([0xFB, 0xFF, 0x01])) == [0xFB, 0xFF, 0x01])
    }

    /// The padded-base64 fast path gives exactly what the general decoder gives, and declines other shapes.
    @Test(arguments: [
        "AAAAAAAAB9E=", "//////////8=", "gAAAAAAAAAE=", "AQIDBAUGBwg=", "_-_-_-_-_-8=", "AAAAAAAAB9F=",
        "AAAAAAAAB9E", "AAAAAAAAB9E==", "AAAAAAAA!9E=", "0x00000000000007D1", "", "AAAAAAAAAAAAAAA=",
    ])
    func paddedBase64FastPathMatchesTheDecoder(_ text: String) {
        let fast = Array(text.utf8).withUnsafeBufferPointer { RowVersionText.staged(paddedBase64: $0) }
        if let fast {
            #expect(fast == RowVersionText.staged(fromWire: text))
        } else {
            #expect(text.utf8.count != 12 || !text.hasSuffix("=") || RowVersionText.staged(fromWire: text) == nil)
        }
    }
}
