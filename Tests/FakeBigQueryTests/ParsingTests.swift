import Testing

@testable import FakeBigQueryKit

@Suite("parsing helpers")
struct ParsingTests {
    /// Numbers keep their exact source text through parse and render.
    @Test func jsonNumbersKeepTheirText() throws {
        let text = #"{"a":1234.50,"b":-0.000000001,"c":12345678901234567890123,"d":1E+3,"e":"\u00e9\ud83d\ude00"}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"] == .number("1234.50"))
        #expect(value["c"] == .number("12345678901234567890123"))
        #expect(value["e"] == .string("é😀"))
        #expect(value.rendered == #"{"a":1234.50,"b":-0.000000001,"c":12345678901234567890123,"d":1E+3,"e":"é😀"}"#)
    }

    /// Malformed JSON is refused with the offset where parsing stopped.
    @Test(arguments: [#"{"a":01}"#, #"{"a":1.}"#, #"{"a":"x"#, #"[1,]"#, #"{"a":1} x"#, "\"\\ud800\""])
    func malformedJSONIsRefused(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    /// COUNT queries parse with or without an alias; anything else is refused.
    @Test func countQueryGrammar() {
        let plain = CountQuery("select count(*) from `p.d.t`")
        #expect([plain?.project, plain?.datasetId, plain?.tableId] == ["p", "d", "t"])
        #expect(plain?.alias == nil)
        let aliased = CountQuery("SELECT COUNT( * ) AS n FROM `p.d.t`;")
        #expect(aliased?.alias == "n")
        #expect(aliased?.tableId == "t")
        #expect(CountQuery("SELECT COUNT(*) FROM `p.d.t` WHERE x = 1") == nil)
        #expect(CountQuery("SELECT * FROM `p.d.t`") == nil)
    }

    /// A multipart/related body splits into metadata and byte-exact media, CRLF or LF.
    @Test func multipartSplitsParts() throws {
        let media: [UInt8] = [0x1F, 0x8B, 0x0D, 0x0A, 0x2D, 0x2D, 0x00]
        var body = Array("--b1\r\ncontent-type: application/json\r\n\r\n{}\r\n--b1\r\ncontent-type: */*\r\n\r\n".utf8)
        body += media + Array("\r\n--b1--\r\n".utf8)
        let boundary = try #require(MultipartRelated.boundary(contentType: "multipart/related; boundary=\"b1\""))
        let parts = try #require(MultipartRelated.parse(body, boundary: boundary))
        #expect(parts.count == 2)
        #expect(parts[0].body == Array("{}".utf8))
        #expect(parts[1].headers["content-type"] == "*/*")
        #expect(parts[1].body == media)
    }

    /// Content-Range forms of the resumable protocol parse; a length mismatch is refused.
    @Test func contentRangeForms() {
        #expect(ContentRange("bytes 0-9/100", bodyLength: 10).map { [$0.first, $0.total] } == [0, 100])
        #expect(ContentRange("bytes */100", bodyLength: 0).map { [$0.first, $0.total] } == [nil, 100])
        #expect(ContentRange("bytes 0-9/*", bodyLength: 10).map { [$0.first, $0.total] } == [0, nil])
        #expect(ContentRange("bytes 0-9/100", bodyLength: 9) == nil)
    }
}
