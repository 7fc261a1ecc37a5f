import Common
import Foundation
import Testing

@testable import Stage

@Suite struct StagedLineTests {
    private func builder() -> StagedLineBuilder {
        StagedLineBuilder(company: "A", table: "ApInvoice", runID: "run-1", extractedAt: "2026-11-27T15:00:00.000000Z")
    }

    /// A live row is the lineage fields in contract order followed by the source columns, byte for byte.
    @Test func liveLineHasLineageThenColumns() {
        var builder = builder()
        let columns = Array(#""Supplier":"   10","Invoice":"INV-001","OrigInvValue":"1234.50""#.utf8)
        let line = builder.line(keyValues: ["   10", "INV-001"], version: "0x00000000000007D1", columnsJSON: columns)
        let id = StagedLineBuilder.insertID(
            company: "A",
            table: "ApInvoice",
            keyValues: ["   10", "INV-001"],
            version: "0x00000000000007D1"
        )
        let expected =
            #"{"_insert_id":"\#(id)","_company":"A","_table":"ApInvoice","_version":"0x00000000000007D1","#
            + #""_deleted":false,"_extracted_at":"2026-11-27T15:00:00.000000Z","_run_id":"run-1","#
            + #""Supplier":"   10","Invoice":"INV-001","OrigInvValue":"1234.50"}"#
        #expect(String(decoding: line, as: UTF8.self) == expected)
    }

    /// The insertId is the first 32 hex digits of SHA-256 over NUL-terminated company, table, keys and version.
    @Test func insertIDMatchesTheContract() {
        let material = Array("A\u{0}ApInvoice\u{0}   10\u{0}INV-001\u{0}0x01\u{0}".utf8)
        let expected = String(SHA256.hash(material).hex.prefix(32))
        #expect(
            StagedLineBuilder.insertID(
                company: "A",
                table: "ApInvoice",
                keyValues: ["   10", "INV-001"],
                version: "0x01"
            )
                == expected
        )
        #expect(expected.count == 32)
    }

    /// A changed version gives a new insertId; the same version gives the same one.
    @Test func insertIDFollowsTheVersion() {
        let first = StagedLineBuilder.insertID(company: "A", table: "T", keyValues: ["1"], version: "h:aa")
        let again = StagedLineBuilder.insertID(company: "A", table: "T", keyValues: ["1"], version: "h:aa")
        let changed = StagedLineBuilder.insertID(company: "A", table: "T", keyValues: ["1"], version: "h:ab")
        let shifted = StagedLineBuilder.insertID(company: "A", table: "T", keyValues: ["1h:aa"], version: "")
        #expect(first == again)
        #expect(first != changed)
        #expect(first != shifted)
    }

    /// A tombstone carries the lineage fields, `_deleted:true` and the key columns only.
    @Test func tombstoneCarriesKeysOnly() throws {
        var builder = builder()
        let line = builder.tombstone(keyColumns: ["Supplier", "Invoice"], keyValues: [" 0\"1", "X"], version: "d:ff")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["_deleted"] as? Bool == true)
        #expect(object["Supplier"] as? String == " 0\"1")
        #expect(object["Invoice"] as? String == "X")
        #expect(object.count == 9)
    }

    /// Company and table names with quotes and control characters are escaped into valid JSON.
    @Test func lineageStringsAreEscaped() throws {
        var builder = StagedLineBuilder(company: "A\"\\\n\u{1}", table: "T", runID: "r", extractedAt: "t")
        let line = builder.line(keyValues: ["k"], version: "v", columnsJSON: [])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["_company"] as? String == "A\"\\\n\u{1}")
    }
}
