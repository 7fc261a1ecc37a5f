import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("tabledata.insertAll")
struct InsertAllTests {
    static let schema = #"""
        [{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"},
         {"name":"big","type":"BIGNUMERIC"},{"name":"day","type":"DATE"},{"name":"at","type":"DATETIME"},
         {"name":"ts","type":"TIMESTAMP"},{"name":"n","type":"INT64"},{"name":"flag","type":"BOOL"}]
        """#

    private func insert(_ fake: FakeHarness, _ body: String) throws -> HTTPResult {
        try fake.call("POST", "/datasets/ds/tables/t/insertAll", json: body)
    }

    /// Rows that pass are stored exactly as sent: decimals keep their text, whether sent as strings or numbers.
    @Test func storedRowsKeepTheirText() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(
            fake,
            #"{"rows":[{"insertId":"a","json":{"id":"  007","amount":"1234.50","day":"2024-02-29","#
                + #""at":"2024-03-31T23:59:59.123456","ts":"2026-11-27T10:00:00Z","n":"9007199254740993","#
                + #""flag":true}},{"insertId":"b","json":{"id":"2","amount":0.10,"big":"-1.000000000000000000001"}}]}"#
        )
        #expect(result.status == 200)
        #expect(result.json["insertErrors"] == nil)
        #expect(
            try fake.storedRows() == [
                #"{"id":"  007","amount":"1234.50","day":"2024-02-29","at":"2024-03-31T23:59:59.123456","#
                    + #""ts":"2026-11-27T10:00:00Z","n":"9007199254740993","flag":true}"#,
                #"{"id":"2","amount":0.10,"big":"-1.000000000000000000001"}"#,
            ]
        )
    }

    /// An unknown column is `invalid` "no such field: X." and the valid row beside it is `stopped`.
    @Test func unknownFieldIsInvalidAndOthersStopped() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"rows":[{"json":{"id":"1"}},{"json":{"id":"2","surface":"x"}}]}"#)
        #expect(result.status == 200)
        #expect(
            result.text
                == #"{"kind":"bigquery#tableDataInsertAllResponse","insertErrors":["#
                + #"{"index":0,"errors":[{"reason":"stopped","location":"","debugInfo":"","message":""}]},"#
                + #"{"index":1,"errors":[{"reason":"invalid","location":"surface","debugInfo":"","#
                + #""message":"no such field: surface."}]}]}"#
        )
        #expect(try fake.storedRows().isEmpty)
    }

    /// NUMERIC beyond 29 integer or 9 fraction digits, or not decimal text, is `Invalid NUMERIC value`.
    @Test(arguments: [
        #""1.0000000001""#, #""123456789012345678901234567890""#, #""abc""#, #"true"#, #""1e5""#, #""""#, #""1.""#,
    ])
    func badNumericIsInvalid(value: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"rows":[{"json":{"id":"1","amount":\#(value)}}]}"#)
        let errors = (result.json["insertErrors"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]]
        #expect(errors?.first?["reason"] as? String == "invalid")
        #expect((errors?.first?["message"] as? String)?.hasPrefix("Invalid NUMERIC value") == true)
    }

    /// Decimals at the NUMERIC limits, signed or with leading zeros, are accepted.
    @Test(arguments: [
        #""99999999999999999999999999999.999999999""#, #""-0.000000001""#, #""000123.4""#, #"12.5"#, #"-7"#,
    ])
    func numericAtTheLimitsIsAccepted(value: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"rows":[{"json":{"id":"1","amount":\#(value)}}]}"#)
        #expect(result.json["insertErrors"] == nil)
        #expect(try fake.storedRows().count == 1)
    }

    /// Dates, date-times, timestamps, integers and booleans that are not well formed are `invalid`.
    @Test(arguments: [
        ("day", #""2023-02-29""#), ("day", #""2024-13-01""#), ("day", #""2024-03-31T00:00:00""#),
        ("at", #""2024-03-31T24:00:00""#), ("at", #""2024-03-31T10:00:00Z""#), ("ts", #""yesterday""#),
        ("ts", #""2026-11-27T10:00:00+25:00""#), ("n", #""12.5""#), ("n", #"1.5"#), ("flag", #""yes""#),
    ])
    func malformedScalarsAreInvalid(column: String, value: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"rows":[{"json":{"id":"1","\#(column)":\#(value)}}]}"#)
        let errors = (result.json["insertErrors"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]]
        #expect(errors?.first?["reason"] as? String == "invalid")
        #expect(errors?.first?["location"] as? String == column)
    }

    /// A row without a REQUIRED column (or with it null) is `invalid`.
    @Test func missingRequiredIsInvalid() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"rows":[{"json":{"amount":"1"}},{"json":{"id":null}}]}"#)
        let errors = (result.json["insertErrors"] as? [[String: Any]]) ?? []
        #expect(errors.count == 2)
        let messages = errors.compactMap { (($0["errors"] as? [[String: Any]])?.first?["message"] as? String) }
        #expect(messages == ["Missing required field: id.", "Missing required field: id."])
    }

    /// With skipInvalidRows the valid rows are stored and only the bad one is reported.
    @Test func skipInvalidRowsStoresTheValidOnes() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(
            fake,
            #"{"skipInvalidRows":true,"rows":[{"json":{"id":"1"}},{"json":{"id":"2","n":"x"}},{"json":{"id":"3"}}]}"#
        )
        let errors = (result.json["insertErrors"] as? [[String: Any]]) ?? []
        #expect(errors.count == 1)
        #expect(errors.first?["index"] as? Int == 1)
        #expect(try fake.storedRows() == [#"{"id":"1"}"#, #"{"id":"3"}"#])
    }

    /// With ignoreUnknownValues unknown columns are dropped instead of rejected.
    @Test func ignoreUnknownValuesDropsUnknownColumns() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"ignoreUnknownValues":true,"rows":[{"json":{"id":"1","extra":5}}]}"#)
        #expect(result.json["insertErrors"] == nil)
        #expect(try fake.storedRows() == [#"{"id":"1"}"#])
    }

    /// A repeated insertId inside the window is acknowledged but stored once; after the window it is stored again.
    @Test func insertIdDeduplicatesWithinTheWindow() throws {
        let clock = ManualClockBox.make()
        let fake = try FakeHarness(clock: clock) { $0.dedupWindowSeconds = 60 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let body = #"{"rows":[{"insertId":"k1","json":{"id":"1"}},{"insertId":"k1","json":{"id":"1"}}]}"#
        #expect(try insert(fake, body).json["insertErrors"] == nil)
        clock.advance(by: 30)
        #expect(try insert(fake, body).json["insertErrors"] == nil)
        #expect(try fake.storedRows().count == 1)
        #expect(try fake.stats()["dedupHits"] as? Int == 3)
        clock.advance(by: 31)
        _ = try insert(fake, body)
        #expect(try fake.storedRows().count == 2)
    }

    /// A request body over --max-request-bytes is 413, and counted.
    @Test func oversizedRequestIs413() throws {
        let fake = try FakeHarness { $0.maxRequestBytes = 1000 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let rows = (0..<100).map { #"{"json":{"id":"\#($0)"}}"# }.joined(separator: ",")
        let result = try insert(fake, #"{"rows":[\#(rows)]}"#)
        #expect(result.status == 413)
        #expect(try fake.stats()["payloadTooLarge"] as? Int == 1)
        #expect(try fake.storedRows().isEmpty)
    }

    /// More than 50,000 rows in one request is 400 `invalid`.
    @Test func moreThan50000RowsIs400() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let rows = [String](repeating: #"{"json":{"id":"1"}}"#, count: 50_001).joined(separator: ",")
        let result = try insert(fake, #"{"rows":[\#(rows)]}"#)
        #expect(result.status == 400)
        #expect(result.errorMessage == "too many rows present in the request, limit: 50000 row count: 50001.")
    }

    /// A missing table is a request-level 404 `notFound`.
    @Test func missingTableIs404() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try fake.call("POST", "/datasets/ds/tables/nope/insertAll", json: #"{"rows":[{"json":{}}]}"#)
        #expect(result.status == 404)
        #expect(result.errorMessage == "Not found: Table test-project:ds.nope")
    }

    /// jobs.query answers SELECT COUNT(*) over a table with the stored row count, and refuses other SQL.
    @Test func countQueryCountsStoredRows() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        _ = try insert(fake, #"{"rows":[{"json":{"id":"1"}},{"json":{"id":"2"}}]}"#)
        let count = try fake.call(
            "POST",
            "/queries",
            json: #"{"query":"SELECT COUNT(*) AS n FROM `test-project.ds.t`","useLegacySql":false}"#
        )
        let rows = count.json["rows"] as? [[String: Any]]
        let cell = (rows?.first?["f"] as? [[String: Any]])?.first?["v"] as? String
        #expect(cell == "2")
        let other = try fake.call("POST", "/queries", json: #"{"query":"SELECT SUM(amount) FROM `test-project.ds.t`"}"#)
        #expect(other.status == 400)
        #expect(other.errorReason == "invalidQuery")
    }

    /// templateSuffix writes to `<table><suffix>`, created from the base table's schema.
    @Test func templateSuffixWritesToTheSuffixedTable() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try insert(fake, #"{"templateSuffix":"_20261127","rows":[{"json":{"id":"1"}}]}"#)
        #expect(result.json["insertErrors"] == nil)
        #expect(try fake.storedRows().isEmpty)
        #expect(try fake.storedRows(table: "t_20261127") == [#"{"id":"1"}"#])
    }
}
