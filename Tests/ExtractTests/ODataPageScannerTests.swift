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

/// The one-pass row reader (rows in one chunk, in the previous row's key order, plain ASCII strings) must give
/// exactly what the byte-wise path gives, for good rows and for every kind of damage: each page below is
/// scanned whole (rows after the first take the one-pass path) and one byte at a time (never), and rows,
/// nextLink and the error text must be equal.
@Suite struct ODataPageScannerOnePassTests {
    static let columns = ["Company", "Amount", "Text", "Flag", "Date"]

    /// Rows that exercise every value form and every reason to leave the one-pass path.
    static let rows: [String] = [
        #"{"Company":"A","Amount":1.50,"Text":"plain","Flag":true,"Date":"2024-01-31T00:00:00Z"}"#,
        #"{"Company":"B","Amount":-0.01,"Text":"x y","Flag":false,"Date":null}"#,
        #"{ "Company" : "C" , "Amount" : 0 , "Text" : "" , "Flag" : null , "Date" : "d" }"#,
        #"{"Company":"D","Amount":1e5,"Text":"esc \" \\ \/ \n","Flag":true,"Date":"d"}"#,
        #"{"Company":"E","Amount":1.5E-3,"Text":"é€😀","Flag":true,"Date":"d"}"#,
        #"{"Company":"F","Amount":12,"Text":"\u00e9","Flag":true,"Date":"d"}"#,
        #"{"Amount":7,"Company":"G","Text":"reordered","Flag":true,"Date":"d"}"#,
        #"{"Company":"H","Amount":8,"Text":"missing date","Flag":true}"#,
        #"{"Company":"I","Amount":9,"Text":"extra key","Flag":true,"Date":"d","@odata.etag":"W/\"1\""}"#,
        #"{"Company":"J","Amount":10,"Text":"extra key again","Flag":true,"Date":"d","@odata.etag":"W/\"2\""}"#,
        #"{"Company":"K","Amount":11,"Text":{"nested":[1,2,{"}":"]"}]},"Flag":true,"Date":"d"}"#,
        #"{"Company":"L","Amount":-12.25,"Text":"del \#u{7F}","Flag":false,"Date":"d"}"#,
        #"{"Company":"M","Amount":13,"Text":"dup","Flag":true,"Date":"d","Company":"M2"}"#,
        #"{"Company":"N","Amount":14,"Text":"after dup","Flag":true,"Date":"d"}"#,
        #"{}"#,
        #"{"Company":"O","Amount":15,"Text":"last","Flag":true,"Date":"d"}"#,
    ]

    static func page(_ rows: [String]) -> [UInt8] {
        Array(
            (#"{"@odata.context":"x","value":["# + rows.joined(separator: ",\n") + #"],"@odata.nextLink":"n"}"#).utf8
        )
    }

    static func outcome(_ body: [UInt8], oneByteChunks: Bool) -> String {
        do {
            let result = try scan(body, columns: columns, splitAt: oneByteChunks ? Array(0...body.count) : [])
            if oneByteChunks { #expect(result.scanner.onePassRowCount == 0) }
            return "rows \(result.rows) next \(result.scanner.nextLink ?? "-") count \(result.scanner.rowCount)"
        } catch let error as SysproBQError {
            return "error \(error.message)"
        } catch {
            return "other \(error)"
        }
    }

    @Test func goodRowsAreTheSameEitherWay() {
        var rows = Self.rows
        rows += Array(repeating: Self.rows[0], count: 5)
        let body = Self.page(rows)
        let whole = Self.outcome(body, oneByteChunks: false)
        #expect(whole.hasPrefix("rows "))
        // Rows in the previous row's shape took the one-pass path: the plain ones after the first, the one after
        // the nested value, the second with the extra key, the one after the duplicate key, and the five repeats.
        let onePass = (try? scan(body, columns: Self.columns))?.scanner.onePassRowCount ?? 0
        #expect(onePass >= 5, "\(onePass) rows in one pass")
        #expect(whole == Self.outcome(body, oneByteChunks: true))
        let chunked = try? scan(body, columns: Self.columns, splitAt: [body.count / 3, body.count / 2])
        #expect(chunked != nil && chunked?.rows == (try? scan(body, columns: Self.columns))?.rows)
    }

    /// Every damaged variant of a page (each byte of its later rows replaced by bytes that matter to JSON, or
    /// removed) scans to the same rows or the same error text either way.
    @Test func damagedPagesGiveTheSameResultEitherWay() {
        let body = Self.page([Self.rows[0], Self.rows[1], Self.rows[0], Self.rows[3], Self.rows[0]])
        let firstRowEnd = body.firstIndex(of: UInt8(ascii: "}"))!
        let replacements: [UInt8?] = [
            nil, 0x22, 0x5C, 0x2C, 0x7D, 0x7B, 0x3A, 0x20, 0x0A, 0x30, 0x2D, 0x2E, 0x65, 0x6E, 0x01, 0xC3,
        ]
        var compared = 0
        for position in (firstRowEnd + 1)..<(body.count - 30) {
            for replacement in replacements {
                var damaged = body
                if let replacement { damaged[position] = replacement } else { damaged.remove(at: position) }
                let whole = Self.outcome(damaged, oneByteChunks: false)
                let bytewise = Self.outcome(damaged, oneByteChunks: true)
                #expect(whole == bytewise, "byte \(position) -> \(replacement.map { String($0) } ?? "removed")")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    /// A row cut by a chunk boundary at any offset still reads the same.
    @Test func everySplitOfRepeatedRowsGivesTheSameRows() throws {
        let body = Self.page(Array(repeating: Self.rows[0], count: 4))
        let expected = try scan(body, columns: Self.columns).rows
        #expect(expected.count == 4)
        for offset in 0...body.count {
            #expect(try scan(body, columns: Self.columns, splitAt: [offset]).rows == expected, "split at \(offset)")
        }
    }
}
