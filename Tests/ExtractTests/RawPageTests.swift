import Common
import Testing

@testable import Extract

/// A page of scanned rows keeps exactly what the scanner saw: rows loaded back from it describe the same values,
/// build the same staged rows, and reuse of the page's storage forgets the rows before.
@Suite struct RawPageTests {
    static let columns = ["Supplier", "Invoice", "Amount", "Note", "Flag"]

    /// Scans `body` and collects its rows into a page (the OData fetch thread's path), and their descriptions.
    static func page(_ body: String, reusing page: RawPage? = nil) throws -> (RawPage, [ScannedRow]) {
        var page = page ?? RawPage(columnCount: columns.count, rowCapacity: 2)
        page.removeAll()
        var described: [ScannedRow] = []
        let gather = ScratchBytes(capacity: 8)
        var scanner = ODataPageScanner(entity: "ApInvoice", columns: columns)
        try Array(body.utf8).withUnsafeBytes { buffer in
            try scanner.feed(buffer) { raw in
                described.append(describe(raw))
                page.append(raw, gatheringIn: gather)
            }
        }
        try scanner.finish()
        return (page, described)
    }

    static func loaded(_ page: RawPage) -> [ScannedRow] {
        var raw = RawRow(columnCount: page.columnCount)
        return (0..<page.rowCount).map { index in
            raw.load(index, from: page)
            defer { raw.reset() }
            return describe(raw)
        }
    }

    @Test func rowsLoadBackAsScanned() throws {
        // Fast-path rows, a row with escapes (the byte-wise path), a missing column, nulls and booleans, a value
        // longer than 16 bytes, and an empty string.
        let body = #"""
            {"value":[
            {"Supplier":"   10","Invoice":"INV-1","Amount":-1234.50,"Note":"plain","Flag":true},
            {"Supplier":"   11","Invoice":"INV-2","Amount":0.000001,"Note":"tab\there \"q\" \u00e9","Flag":false},
            {"Supplier":"   12","Invoice":"INV-3","Amount":12345678901234567890.123456,"Flag":null},
            {"Supplier":"","Invoice":"a value well over sixteen bytes long","Amount":1,"Note":null,"Flag":true}
            ]}
            """#
        let (page, scanned) = try Self.page(body)
        #expect(page.rowCount == 4)
        #expect(Self.loaded(page) == scanned)
        #expect(scanned[2][3] == "-", "the missing Note stays absent")
        #expect(scanned[1][3] == "s:tab\there \"q\" é")
    }

    @Test func reusedStorageForgetsTheRowsBefore() throws {
        let (first, _) = try Self.page(#"{"value":[{"Supplier":"A","Invoice":"1","Amount":1,"Note":"x","Flag":true}]}"#)
        let (second, scanned) = try Self.page(
            #"{"value":[{"Supplier":"B","Invoice":"2","Amount":2,"Note":"y","Flag":false}]}"#,
            reusing: first
        )
        #expect(second.rowCount == 1)
        #expect(Self.loaded(second) == scanned)
        #expect(Self.loaded(first) == [["s:A", "s:1", "n:1", "s:x", "true"]], "the page handed on is unchanged")
    }

    @Test func aLoadedRowBuildsTheSameStagedRow() throws {
        let entry = ODataSourceTests.entry
        let body = #"""
            {"value":[{"Supplier":"S1","Invoice":"I1","InvoiceDate":"2024-01-02T00:00:00+02:00","TimeStamp":"AAAAAAAAB9E="},
            {"Supplier":" S2","Invoice":"I\u00e92","InvoiceDate":"2024-01-03T00:00:00Z","TimeStamp":"AAAAAAAAB9I="}]}
            """#
        var direct: [SourceRow] = []
        var page = RawPage(columnCount: entry.columns.count)
        var builder = SourceRowBuilder(entry: entry)
        var scanner = ODataPageScanner(entity: entry.table, columns: entry.columns.map(\.name))
        let gather = ScratchBytes()
        try Array(body.utf8).withUnsafeBytes { buffer in
            try scanner.feed(buffer) { raw in
                direct.append(try builder.build(raw))
                page.append(raw, gatheringIn: gather)
            }
        }
        var raw = RawRow(columnCount: entry.columns.count)
        let viaPage = try (0..<page.rowCount).map { index -> SourceRow in
            raw.load(index, from: page)
            defer { raw.reset() }
            return try builder.build(raw)
        }
        #expect(viaPage == direct)
        #expect(direct.count == 2)
    }
}
