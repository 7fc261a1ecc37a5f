import Testing

@testable import FakeBigQueryKit

/// The insertAll fast path against the general path (parse, validate, render), which stays the reference.
@Suite struct InsertAllScanTests {
    static let fields: [FieldSchema] = {
        let schema = #"""
            [{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"},
             {"name":"big","type":"BIGNUMERIC"},{"name":"day","type":"DATE"},{"name":"at","type":"DATETIME"},
             {"name":"ts","type":"TIMESTAMP"},{"name":"n","type":"INT64"},{"name":"flag","type":"BOOL"},
             {"name":"t","type":"TIME"},{"name":"f","type":"FLOAT"},{"name":"tags","type":"STRING","mode":"REPEATED"}]
            """#
        guard case .success(let fields) = SchemaParser.parseFields(try? JSONParser.parse(schema)) else { return [] }
        return fields
    }()

    /// What the general path stores for `body`, or `nil` when it would store nothing (a bad row, a bad body).
    static func general(_ body: String) -> [String]? {
        guard let value = try? JSONParser.parse(body), let rows = value["rows"]?.arrayElements, !rows.isEmpty,
            value["templateSuffix"] == nil
        else { return nil }
        let validator = RowValidator(
            fields: fields,
            ignoreUnknownValues: value["ignoreUnknownValues"]?.boolValue ?? false
        )
        var stored: [String] = []
        for row in rows {
            guard case .success(let kept) = validator.validate(row["json"] ?? .null) else { return nil }
            stored.append(kept.rendered)
        }
        return stored
    }

    static func fast(_ body: String) -> [String]? {
        InsertAllScan.scan(Array(body.utf8), fields: fields, maximumRows: 50_000)?.rows.map(\.text)
    }

    /// Plain valid rows (the staged row contract's shapes) are taken by the fast path and stored exactly as the
    /// general path stores them, whitespace dropped.
    @Test(arguments: [
        #"{"skipInvalidRows":false,"ignoreUnknownValues":false,"rows":[{"insertId":"a1","json":{"id":"   10","amount":"1234.50","day":"2024-02-29","n":12,"flag":false}}]}"#,
        #"{"rows": [{"insertId": "a", "json": {"id": "x y", "amount": "-0.000000001", "big": "1.5"}}, {"json": {"id": "2", "ts": "2026-11-27T10:00:00.123456Z"}}]}"#,
        #"{"rows":[{"json":{"id":"q\"uo\\te\n\t","at":"2024-03-31T23:59:59.123456","t":"10:00:00.5","amount":12.5}}]}"#,
        #"{"kind":"bigquery#tableDataInsertAllRequest","rows":[{"json":{"id":"é ü","ts":"2026-11-27 10:00:00+01:00","n":"-9223372036854775808"}}]}"#,
        #"{"rows":[{"json":{"id":"1","ts":"2026-11-27T10:00:00 UTC","amount":null,"tags":null}}]}"#,
        #"{"rows":[{"json":{"id":"1","n":-7,"amount":"000123.4","big":".5"}}]}"#,
        #"{"rows":[{"json":{"id":12,"flag":true}}]}"#,
    ])
    func plainRowsMatchTheGeneralPath(body: String) {
        let reference = Self.general(body)
        #expect(reference != nil)
        #expect(Self.fast(body) == reference)
    }

    /// Anything the fast path cannot store exactly as the general path would is left to the general path.
    @Test(arguments: [
        #"{"rows":[{"json":{"id":"1","amount":"1.0000000001"}}]}"#,
        #"{"rows":[{"json":{"amount":"1"}}]}"#,
        #"{"rows":[{"json":{"id":null}}]}"#,
        #"{"rows":[{"json":{"ID":"1"}}]}"#,
        #"{"rows":[{"json":{"id":"1","id":"2"}}]}"#,
        #"{"rows":[{"json":{"id":"1","extra":5}}]}"#,
        #"{"rows":[{"json":{"id":"\u00e9"}}]}"#,
        #"{"rows":[{"json":{"id":"a\/b"}}]}"#,
        #"{"rows":[{"json":{"id":"1","day":"2023-02-29"}}]}"#,
        #"{"rows":[{"json":{"id":"1","at":"2024-03-31T24:00:00"}}]}"#,
        #"{"rows":[{"json":{"id":"1","ts":"2026-11-27T10:00:00+25:00"}}]}"#,
        #"{"rows":[{"json":{"id":"1","n":"12.5"}}]}"#,
        #"{"rows":[{"json":{"id":"1","n":"9223372036854775808"}}]}"#,
        #"{"rows":[{"json":{"id":"1","flag":"true"}}]}"#,
        #"{"rows":[{"json":{"id":"1","f":1.5}}]}"#,
        #"{"rows":[{"json":{"id":"1","tags":["a"]}}]}"#,
        #"{"rows":[{"json":{"id":"1","day":20240101}}]}"#,
        #"{"templateSuffix":"_x","rows":[{"json":{"id":"1"}}]}"#,
        #"{"rows":[]}"#,
        #"{"rows":[{"json":{"id":"1"}}]} x"#,
        #"{"rows":[{"json":{"id":"1"}},]}"#,
        #"{"rows":[{"insertId":7,"json":{"id":"1"}}]}"#,
        #"{"rows":[{"json":{"id":"1"},"json":{"id":"2"}}]}"#,
        #"{"rows":[{"json":{"id":"1","amount":01}}]}"#,
    ])
    func unusualRequestsTakeTheGeneralPath(body: String) {
        #expect(Self.fast(body) == nil)
    }

    /// The byte-level scalar checks agree with what BigQuery's formats allow, at the edges.
    @Test(arguments: [
        ("2024-2-9", true), ("0000-01-01", false), ("2024-02-30", false), ("20240-01-01", false),
        ("2024-01-01 ", false),
    ])
    func dates(text: String, valid: Bool) {
        #expect(ScalarSyntax.isDate(text) == valid)
    }

    /// INT64 bounds and signs, as `Int64(_:)` reads them.
    @Test(arguments: [
        "0", "+5", "-5", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "", "+", "1e3", " 1",
    ])
    func integersMatchInt64Parsing(text: String) {
        #expect(ScalarSyntax.isInt64(text) == (Int64(text) != nil))
    }
}
