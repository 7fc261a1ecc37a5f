import Testing

@testable import SegmentLog

@Suite struct SegmentFileNameTests {
    static let fingerprint = String(repeating: "ab", count: 32)

    static let cases: [(SegmentFileName, String)] = [
        (.segment(1), "segment-000000000001.ndjson.gz"),
        (.segment(999_999_999_999), "segment-999999999999.ndjson.gz"),
        (.manifest(12), "manifest-000000000012.json"),
        (.segmentTemp(7), "segment-000000000007.ndjson.gz.tmp"),
        (.manifestTemp(7), "manifest-000000000007.json.tmp"),
        (.schema(fingerprint: fingerprint), "schema-\(fingerprint).json"),
        (.journal(1), "journal-00000001.log"),
        (.quarantinedRows(3), "rows-000000000003.ndjson"),
    ]

    /// Every kind of name renders zero-padded and parses back to itself.
    @Test(arguments: cases)
    func namesRoundTrip(name: SegmentFileName, text: String) {
        #expect(name.rendered == text)
        #expect(SegmentFileName(parsing: text) == name)
    }

    /// Names outside the grammar are rejected: wrong width, zero, signs, upper-case hex, other suffixes.
    @Test(arguments: [
        "segment-1.ndjson.gz", "segment-0000000000001.ndjson.gz", "segment-000000000000.ndjson.gz",
        "segment-+00000000001.ndjson.gz", "segment-00000000000a.ndjson.gz", "segment-000000000001.ndjson",
        "segment-000000000001.ndjson.gz.bak", "manifest-000000000001.JSON", "manifest-000000000001.json.tmp2",
        "schema-\(String(repeating: "AB", count: 32)).json", "schema-abc.json", "journal-1.log",
        "journal-00000000.log", "rows-000000000001.json", "writer.lock", "", "..",
    ])
    func malformedNamesAreRejected(text: String) {
        #expect(SegmentFileName(parsing: text) == nil)
    }

    /// Zero-padding makes lexical order equal sequence order, so `ls` lists segments in order.
    @Test func lexicalOrderIsSequenceOrder() {
        let sequences: [UInt64] = [1, 2, 9, 10, 11, 99, 100, 1000, 123_456_789]
        let names = sequences.map { SegmentFileName.segment($0).rendered }
        #expect(names.sorted() == names)
    }
}

@Suite struct StreamIDTests {
    /// SYSPRO company ids and table names are accepted as path components.
    @Test(arguments: ["A", "40", "100", "ApInvoice", "GenJournalDetail", "InvMaster+", "_x", "a.b-c$#"])
    func validNamesAreAccepted(name: String) throws {
        let stream = try StreamID(company: name, table: name)
        #expect(stream.company == name)
    }

    /// Names that could escape or confuse the directory tree are rejected.
    @Test(arguments: [
        "", ".", "..", ".hidden", "a/b", "a\u{0}b", " A", "A B", "-x", "é", String(repeating: "a", count: 65),
    ])
    func unsafeNamesAreRejected(name: String) {
        #expect(throws: (any Error).self) { try StreamID(company: name, table: "ApInvoice") }
        #expect(throws: (any Error).self) { try StreamID(company: "A", table: name) }
    }
}
