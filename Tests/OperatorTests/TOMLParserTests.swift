import Operator
import Testing

@Suite("TOML subset parser")
struct TOMLParserTests {
    struct ValidCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var path: [String]
        var key: String
        var expected: TOMLValue
        var testDescription: String { name }
    }

    static let valid: [ValidCase] = [
        ValidCase(name: "basic string", text: "[a]\nk = \"v\"", path: ["a"], key: "k", expected: .string("v")),
        ValidCase(
            name: "escapes",
            text: #"k = "q\"b\\t\tn\nu\u00e9U\U0001F600e\e""#,
            path: [],
            key: "k",
            expected: .string("q\"b\\t\tn\nu\u{e9}U\u{1F600}e\u{1B}")
        ),
        ValidCase(
            name: "literal string",
            text: #"k = 'C:\path\n'"#,
            path: [],
            key: "k",
            expected: .string(#"C:\path\n"#)
        ),
        ValidCase(
            name: "leading spaces kept",
            text: "k = \"  00150\"",
            path: [],
            key: "k",
            expected: .string("  00150")
        ),
        ValidCase(name: "integer", text: "k = 5_000", path: [], key: "k", expected: .integer(5000)),
        ValidCase(name: "negative integer", text: "k = -12", path: [], key: "k", expected: .integer(-12)),
        ValidCase(name: "zero", text: "k = 0", path: [], key: "k", expected: .integer(0)),
        ValidCase(name: "booleans", text: "k = false # off", path: [], key: "k", expected: .boolean(false)),
        ValidCase(
            name: "multi-line array with comments and trailing comma",
            text: "k = [\n  \"A\", # first\n  'B',\n]\n",
            path: [],
            key: "k",
            expected: .array([.string("A"), .string("B")])
        ),
        ValidCase(
            name: "nested array",
            text: "k = [[1, 2], []]",
            path: [],
            key: "k",
            expected: .array([.array([.integer(1), .integer(2)]), .array([])])
        ),
        ValidCase(
            name: "dotted header with quoted part",
            text: "[tables.\"Ap Invoice\"]\nenabled = true",
            path: ["tables", "Ap Invoice"],
            key: "enabled",
            expected: .boolean(true)
        ),
        ValidCase(name: "quoted key", text: "[a]\n\"odd key\" = 1", path: ["a"], key: "odd key", expected: .integer(1)),
        ValidCase(name: "CRLF line ends", text: "[a]\r\nk = 1\r\n", path: ["a"], key: "k", expected: .integer(1)),
        ValidCase(name: "hash inside string", text: "k = \"a#b\" # c", path: [], key: "k", expected: .string("a#b")),
        ValidCase(
            name: "header with spaces",
            text: "[ tables . ApInvoice ]\nk = 1",
            path: ["tables", "ApInvoice"],
            key: "k",
            expected: .integer(1)
        ),
    ]

    /// Each valid input parses to the expected value under the expected table.
    @Test(arguments: valid)
    func parsesValidInput(_ testCase: ValidCase) throws {
        let document = try TOMLParser.parse(testCase.text)
        let entry = document.table(testCase.path)?.entry(testCase.key)
        #expect(entry?.value == testCase.expected)
    }

    /// Every key keeps the line and column where it starts.
    @Test func keysKeepTheirLineAndColumn() throws {
        let document = try TOMLParser.parse("# comment\n[syspro]\n\n  page_size = 10\n[bigquery]\ndataset = \"x\"\n")
        let pageSize = try #require(document.table(["syspro"])?.entry("page_size"))
        #expect(pageSize.keyPosition == TOMLPosition(line: 4, column: 3))
        #expect(pageSize.valuePosition == TOMLPosition(line: 4, column: 15))
        #expect(document.table(["bigquery"])?.headerPosition == TOMLPosition(line: 5, column: 1))
        #expect(document.table(["bigquery"])?.entry("dataset")?.keyPosition.line == 6)
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var fragment: String
        var testDescription: String { name }
    }

    static let invalid: [InvalidCase] = [
        InvalidCase(
            name: "unterminated string",
            text: "[a]\nk = \"abc\n",
            line: 2,
            column: 9,
            fragment: "unterminated string"
        ),
        InvalidCase(name: "missing equals", text: "[a]\nk 1", line: 2, column: 3, fragment: "expected '='"),
        InvalidCase(name: "missing value", text: "k =\n", line: 1, column: 4, fragment: "expected a value after '='"),
        InvalidCase(name: "bare word value", text: "k = odata", line: 1, column: 5, fragment: "strings need quotes"),
        InvalidCase(name: "float", text: "\nk = 1.5", line: 2, column: 5, fragment: "floating-point"),
        InvalidCase(name: "date", text: "k = 2024-01-01", line: 1, column: 5, fragment: "dates and times"),
        InvalidCase(name: "leading zero", text: "k = 0012", line: 1, column: 5, fragment: "leading zeros"),
        InvalidCase(name: "overflow", text: "k = 9223372036854775808", line: 1, column: 5, fragment: "64-bit range"),
        InvalidCase(name: "bad escape", text: #"k = "a\qb""#, line: 1, column: 7, fragment: "unknown escape"),
        InvalidCase(name: "short unicode escape", text: #"k = "\u12""#, line: 1, column: 6, fragment: "4 hexadecimal"),
        InvalidCase(
            name: "duplicate key",
            text: "[a]\nk = 1\nk = 2",
            line: 3,
            column: 1,
            fragment: "duplicate key 'k' (first defined at line 2)"
        ),
        InvalidCase(
            name: "duplicate table",
            text: "[a]\n[b]\n[a]",
            line: 3,
            column: 1,
            fragment: "defined twice (first at line 1)"
        ),
        InvalidCase(name: "array of tables", text: "[[a]]", line: 1, column: 1, fragment: "arrays of tables"),
        InvalidCase(name: "inline table", text: "k = {a = 1}", line: 1, column: 5, fragment: "inline tables"),
        InvalidCase(name: "dotted key", text: "a.b = 1", line: 1, column: 2, fragment: "dotted keys"),
        InvalidCase(
            name: "text after value",
            text: "k = 1 2",
            line: 1,
            column: 7,
            fragment: "expected the end of the line"
        ),
        InvalidCase(name: "unclosed header", text: "[a\nk = 1", line: 1, column: 3, fragment: "expected '.' or ']'"),
        InvalidCase(name: "unterminated array", text: "k = [1, 2", line: 1, column: 10, fragment: "unterminated array"),
        InvalidCase(name: "missing comma", text: "k = [1 2]", line: 1, column: 8, fragment: "expected ',' or ']'"),
        InvalidCase(
            name: "multi-line string",
            text: "k = \"\"\"x\"\"\"",
            line: 1,
            column: 5,
            fragment: "multi-line strings"
        ),
        InvalidCase(name: "lone carriage return", text: "k = 1\r[a]", line: 1, column: 6, fragment: "carriage return"),
        InvalidCase(
            name: "control character in string",
            text: "k = \"a\u{01}\"",
            line: 1,
            column: 7,
            fragment: "control character"
        ),
        InvalidCase(
            name: "header reuses key",
            text: "[a]\nb = 1\n[a.b]",
            line: 3,
            column: 1,
            fragment: "conflicts with key 'b'"
        ),
        InvalidCase(name: "hex integer", text: "k = 0x1F", line: 1, column: 5, fragment: "only decimal"),
    ]

    /// Each invalid input fails with its line, column and a message naming the problem.
    @Test(arguments: invalid)
    func rejectsInvalidInputWithPosition(_ testCase: InvalidCase) {
        #expect {
            _ = try TOMLParser.parse(testCase.text)
        } throws: { error in
            guard let error = error as? TOMLSyntaxError else { return false }
            return error.position == TOMLPosition(line: testCase.line, column: testCase.column)
                && error.message.contains(testCase.fragment)
        }
    }

    /// Quoting a string and parsing it back yields the same string, control characters included.
    @Test(arguments: ["plain", "with \"quotes\" and \\", "tab\tnew\nline", "\u{01}\u{7F}", "  00001", "é😀"])
    func quotedStringsRoundTrip(_ text: String) throws {
        let document = try TOMLParser.parse("k = " + TOMLValue.quoted(text))
        #expect(document.table([])?.entry("k")?.value == .string(text))
    }
}
