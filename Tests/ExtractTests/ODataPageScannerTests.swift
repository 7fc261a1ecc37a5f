import Common
import Testing

@testable import Extract

@Suite struct ODataPageScannerTests {
    static let columns = ["Supplier", "Invoice", "OrigInvValue", "Notes", "Paid"]

    static let page = #"""
        {"@odata.context":"http://h/$metadata#ApInvoice","value":[
        {"Supplier":"   10","Invoice":"INV-001","OrigInvValue":1234.50,"Notes":null,"Paid":true,"Extra":{"a":[1,{"b":"}"}]}},
        {"Supplier":"0002","Invoice":"A\"B\\C\/D\n","OrigInvValue":-0.01,"Notes":"\u00e9\u20ac\ud83d\ude00 é€😀","Paid":false},
        {"Invoice":"X","Supplier":"3","OrigInvValue":123456789012.123456,"@odata.etag":"W/\"x\"","Notes":[],"Paid":null}
        ],"@odata.nextLink":"http://h/odata/A/ApInvoice?$skiptoken=Supplier='3'"}
        """#

    static let expectedRows: [ScannedRow] = [
        ["s:   10", "s:INV-001", "n:1234.50", "null", "true"],
        ["s:0002", "s:A\"B\\C/D\n", "n:-0.01", "s:é€😀 é€😀", "false"],
        ["s:3", "s:X", "n:123456789012.123456", "-", "null"],
    ]

    /// Rows, escapes, surrogate pairs, nested values and the nextLink come out exactly.
    @Test func scansTrickyPage() throws {
        let result = try scan(Self.page, columns: Self.columns)
        #expect(result.rows == Self.expectedRows)
        #expect(result.scanner.nextLink == "http://h/odata/A/ApInvoice?$skiptoken=Supplier='3'")
        #expect(result.scanner.rowCount == 3)
    }

    /// Splitting the body at every byte offset gives the same rows as scanning it whole.
    @Test func chunkBoundaryAtEveryOffsetGivesSameRows() throws {
        let body = Array(Self.page.utf8)
        for offset in 0...body.count {
            let result = try scan(body, columns: Self.columns, splitAt: [offset])
            #expect(result.rows == Self.expectedRows, "split at \(offset)")
            #expect(result.scanner.nextLink != nil)
        }
    }

    /// Feeding one byte at a time still gives the same rows.
    @Test func oneByteChunksGiveSameRows() throws {
        let body = Array(Self.page.utf8)
        let result = try scan(body, columns: Self.columns, splitAt: Array(0...body.count))
        #expect(result.rows == Self.expectedRows)
    }

    /// Numbers keep their exact text: trailing zeros, many digits, negative, zero and exponents.
    @Test(arguments: [
        "0", "-0", "1234.50", "123456789012.123456", "-99999999999999999999999.999999999", "1e5", "1.5E-3",
    ])
    func numberTextIsKept(_ text: String) throws {
        let result = try scan(#"{"value":[{"Supplier":\#(text)}]}"#, columns: ["Supplier"])
        #expect(result.rows == [["n:" + text]])
    }

    /// Malformed numbers are errors naming the offset.
    @Test(arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "--1", "0x10"])
    func malformedNumbersAreRejected(_ text: String) {
        let error = caught { _ = try scan(#"{"value":[{"Supplier":\#(text)}]}"#, columns: ["Supplier"]) }
        #expect(error?.code == .protocolViolation)
        #expect(error?.message.contains("at byte") == true)
    }

    /// A body cut short anywhere is an error that says it was cut short and names the entity.
    @Test func truncatedBodyAtEveryOffsetIsAnError() {
        let body = Array(Self.page.utf8)
        for length in 0..<body.count {
            let error = caught { _ = try scan(Array(body[0..<length]), columns: Self.columns) }
            #expect(error?.code == .protocolViolation, "truncated at \(length)")
            #expect(error?.message.contains("ApInvoice") == true)
            #expect(
                error?.message.contains("byte \(length)") == true || error?.message.contains("empty") == true
                    || length < 1
            )
        }
    }

    /// Malformed JSON is an error naming the byte offset of the bad byte.
    @Test(arguments: [
        (#"{"value":[{"Supplier":"a"}}"#, 26),
        (#"{"value":[{"Supplier" "a"}]}"#, 22),
        (#"{"value":[{"Supplier":tru}]}"#, 25),
        (#"{"value":[{"Supplier":"a\x"}]}"#, 25),
        (#"{"value":[1]}"#, 10),
        (#"{"value":[{"Supplier":"a"},]}"#, 27),
        (#"{"value":[]} x"#, 13),
    ])
    func malformedJSONNamesOffset(_ body: String, _ offset: Int) {
        let error = caught { _ = try scan(body, columns: ["Supplier"]) }
        #expect(error?.code == .protocolViolation)
        #expect(error?.message.contains("at byte \(offset)") == true, "\(error?.message ?? "no error")")
    }

    /// Lone surrogates, raw control characters and invalid UTF-8 are errors.
    @Test(arguments: [
        Array(#"{"value":[{"Supplier":"\ud83d"}]}"#.utf8),
        Array(#"{"value":[{"Supplier":"\ude00"}]}"#.utf8),
        Array(#"{"value":[{"Supplier":"a"#.utf8) + [0x0A] + Array(#""}]}"#.utf8),
        Array(#"{"value":[{"Supplier":""#.utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8),
        Array(#"{"value":[{"Supplier":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}]}"#.utf8),
        Array(#"{"value":[{"Supplier":""#.utf8) + [0xFF] + Array(#""}]}"#.utf8),
    ])
    func invalidStringsAreRejected(_ body: [UInt8]) {
        let error = caught { _ = try scan(body, columns: ["Supplier"]) }
        #expect(error?.code == .protocolViolation)
    }

    /// An HTML page with status 200 is a protocol error with a remedy about the service root.
    @Test func htmlPageIsAProtocolError() {
        let error = caught {
            _ = try scan("\r\n<!DOCTYPE html><html><body>IIS 8.5 Detailed Error</body></html>", columns: ["Supplier"])
        }
        #expect(error?.code == .protocolViolation)
        #expect(error?.message.contains("HTML") == true)
        #expect(error?.remedy?.contains("service root URL") == true)
    }

    /// An OData error body is captured (code and message), not taken for a page.
    @Test func errorBodyIsCaptured() throws {
        let result = try scan(
            #"{"error":{"code":"","message":"The query specified in the URI is not valid.","innererror":{"message":"x"}}}"#,
            columns: ["Supplier"]
        )
        #expect(result.scanner.sawError)
        #expect(result.scanner.errorMessage == "The query specified in the URI is not valid.")
        #expect(result.scanner.errorCode == "")
        #expect(result.rows.isEmpty)
    }

    /// A body without a value array is an error.
    @Test func missingValueArrayIsAnError() {
        let error = caught { _ = try scan(#"{"@odata.context":"x"}"#, columns: ["Supplier"]) }
        #expect(error?.message.contains("no \"value\" array") == true)
    }

    /// A UTF-8 byte-order mark and whitespace before the body are accepted.
    @Test func byteOrderMarkIsSkipped() throws {
        let result = try scan(
            [0xEF, 0xBB, 0xBF] + Array(#" {"value":[{"Supplier":"1"}]}"#.utf8),
            columns: ["Supplier"]
        )
        #expect(result.rows == [["s:1"]])
    }
}
