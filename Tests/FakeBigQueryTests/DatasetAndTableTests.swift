import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("datasets and tables")
struct DatasetAndTableTests {
    static let schema = #"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"}]"#

    /// A second datasets.insert of the same id is 409 with Google's exact duplicate shape.
    @Test func duplicateDatasetIs409() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let body = #"{"datasetReference":{"projectId":"test-project","datasetId":"ds1"},"location":"US"}"#
        #expect(try fake.call("POST", "/datasets", json: body).status == 200)
        let again = try fake.call("POST", "/datasets", json: body)
        #expect(again.status == 409)
        #expect(
            again.text
                == #"{"error":{"code":409,"message":"Already Exists: Dataset test-project:ds1","errors":[{"message":"#
                + #""Already Exists: Dataset test-project:ds1","domain":"global","reason":"duplicate"}],"#
                + #""status":"ALREADY_EXISTS"}}"#
        )
        #expect(try fake.call("GET", "/datasets/ds1").json["id"] as? String == "test-project:ds1")
        #expect(try fake.call("GET", "/datasets/nope").status == 404)
    }

    /// tables.insert stores the schema with legacy type names and default modes; a repeat is 409.
    @Test func tableRoundTripsAndDuplicateIs409() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(#"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"n","type":"INT64"}]"#)
        let table = try fake.call("GET", "/datasets/ds/tables/t")
        #expect(table.status == 200)
        let fields = ((table.json["schema"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
        #expect(fields.map { $0["type"] as? String } == ["STRING", "INTEGER"])
        #expect(fields.map { $0["mode"] as? String } == ["REQUIRED", "NULLABLE"])
        let again = try fake.call(
            "POST",
            "/datasets/ds/tables",
            json: #"{"tableReference":{"tableId":"t"},"schema":{"fields":[{"name":"x","type":"STRING"}]}}"#
        )
        #expect(again.status == 409)
        #expect(again.errorReason == "duplicate")
        #expect(try fake.call("GET", "/datasets/ds/tables/none").errorReason == "notFound")
    }

    /// Schemas with a bad field name, type or mode, or a duplicate column, are 400 `invalid`.
    @Test(arguments: [
        #"[{"name":"bad-name","type":"STRING"}]"#,
        #"[{"name":"1st","type":"STRING"}]"#,
        #"[{"name":"a","type":"MONEY"}]"#,
        #"[{"name":"a","type":"STRING","mode":"OPTIONAL"}]"#,
        #"[{"name":"a","type":"STRING"},{"name":"A","type":"STRING"}]"#,
        #"[{"name":"r","type":"RECORD"}]"#,
    ])
    func invalidSchemaIsRejected(fields: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        _ = try fake.call("POST", "/datasets", json: #"{"datasetReference":{"datasetId":"ds"}}"#)
        let result = try fake.call(
            "POST",
            "/datasets/ds/tables",
            json: #"{"tableReference":{"tableId":"t"},"schema":{"fields":\#(fields)}}"#
        )
        #expect(result.status == 400)
        #expect(result.errorReason == "invalid")
    }

    /// A NULLABLE column added at the end, and relaxing REQUIRED to NULLABLE, are accepted by tables.patch.
    @Test func patchAddsNullableColumnAtTheEnd() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let patched = try fake.call(
            "PATCH",
            "/datasets/ds/tables/t",
            json: #"{"schema":{"fields":[{"name":"id","type":"STRING","mode":"NULLABLE"},"#
                + #"{"name":"amount","type":"NUMERIC"},{"name":"note","type":"STRING","mode":"NULLABLE"}]}}"#
        )
        #expect(patched.status == 200)
        let fields = ((patched.json["schema"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
        #expect(fields.map { $0["name"] as? String } == ["id", "amount", "note"])
        let insert = try fake.call(
            "POST",
            "/datasets/ds/tables/t/insertAll",
            json: #"{"rows":[{"json":{"id":"1","note":"new column"}}]}"#
        )
        #expect(insert.json["insertErrors"] == nil)
    }

    /// Dropping, retyping, tightening or inserting columns, or adding a REQUIRED one, is 400 with Google's wording.
    @Test(arguments: [
        (#"[{"name":"id","type":"STRING","mode":"REQUIRED"}]"#, "Field amount is missing in new schema"),
        (
            #"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"STRING"}]"#,
            "Field amount has changed type from NUMERIC to STRING"
        ),
        (
            #"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC","mode":"REQUIRED"}]"#,
            "Field amount has changed mode from NULLABLE to REQUIRED"
        ),
        (
            #"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"},"#
                + #"{"name":"x","type":"STRING","mode":"REQUIRED"}]"#,
            "Cannot add required columns to an existing schema."
        ),
        (
            #"[{"name":"x","type":"STRING"},{"name":"id","type":"STRING","mode":"REQUIRED"},"#
                + #"{"name":"amount","type":"NUMERIC"}]"#,
            "new columns must be added at the end"
        ),
    ])
    func patchRejectsIncompatibleChanges(fields: String, expected: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let result = try fake.call("PATCH", "/datasets/ds/tables/t", json: #"{"schema":{"fields":\#(fields)}}"#)
        #expect(result.status == 400)
        #expect(result.errorReason == "invalid")
        #expect(result.errorMessage?.hasPrefix("Provided Schema does not match Table test-project:ds.t.") == true)
        #expect(result.errorMessage?.contains(expected) == true)
    }

    /// A view is stored with its query text and type VIEW; it is not executed.
    @Test func viewKeepsItsQuery() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let query =
            "SELECT * EXCEPT(rn) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id) rn FROM `test-project.ds.t`)"
        let body = #"{"tableReference":{"tableId":"v"},"view":{"query":"\#(query)","useLegacySql":false}}"#
        #expect(try fake.call("POST", "/datasets/ds/tables", json: body).status == 200)
        let view = try fake.call("GET", "/datasets/ds/tables/v")
        #expect(view.json["type"] as? String == "VIEW")
        #expect((view.json["view"] as? [String: Any])?["query"] as? String == query)
    }

    /// Partitioning on a non-date column, more than four clustering columns, or both partitioning kinds are 400.
    @Test(arguments: [
        #""timePartitioning":{"type":"DAY","field":"id"}"#,
        #""timePartitioning":{"type":"DAY","field":"nope"}"#,
        #""clustering":{"fields":["id","amount","day","n","flag"]}"#,
        #""rangePartitioning":{"field":"id","range":{"start":"0","end":"10","interval":"1"}}"#,
    ])
    func badLayoutIsRejected(layout: String) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        _ = try fake.call("POST", "/datasets", json: #"{"datasetReference":{"datasetId":"ds"}}"#)
        let fields =
            #"[{"name":"id","type":"STRING"},{"name":"amount","type":"NUMERIC"},{"name":"day","type":"DATE"},"#
            + #"{"name":"n","type":"INT64"},{"name":"flag","type":"BOOL"}]"#
        let result = try fake.call(
            "POST",
            "/datasets/ds/tables",
            json: #"{"tableReference":{"tableId":"t"},"schema":{"fields":\#(fields)},\#(layout)}"#
        )
        #expect(result.status == 400)
        #expect(result.errorReason == "invalid")
    }

    /// DAY partitioning on a DATE column with four clustering columns is stored and echoed.
    @Test func validLayoutIsEchoed() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        _ = try fake.call("POST", "/datasets", json: #"{"datasetReference":{"datasetId":"ds"}}"#)
        let body =
            #"{"tableReference":{"tableId":"t"},"schema":{"fields":[{"name":"id","type":"STRING"},"#
            + #"{"name":"day","type":"DATE"}]},"timePartitioning":{"type":"DAY","field":"day"},"#
            + #""requirePartitionFilter":true,"clustering":{"fields":["id"]}}"#
        #expect(try fake.call("POST", "/datasets/ds/tables", json: body).status == 200)
        let table = try fake.call("GET", "/datasets/ds/tables/t")
        #expect((table.json["timePartitioning"] as? [String: Any])?["field"] as? String == "day")
        #expect(table.json["requirePartitionFilter"] as? Bool == true)
    }
}
