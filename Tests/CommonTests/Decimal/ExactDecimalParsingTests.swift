import Common
import Testing

@Suite struct ExactDecimalParsingTests {
    /// Strict decimal text parses and renders with its written scale; leading zeros and negative zero normalise.
    @Test(arguments: [
        ("0", "0", 0),
        ("-0", "0", 0),
        ("-0.00", "0.00", 2),
        ("+1.5", "1.5", 1),
        ("007.50", "7.50", 2),
        ("-0.001", "-0.001", 3),
        ("1234.50", "1234.50", 2),
        ("000000000000000000000000000001", "1", 0),
        (
            "-123456789012345678901234567890.123456789012345678901",
            "-123456789012345678901234567890.123456789012345678901", 21
        ),
    ])
    func strictTextParses(text: String, rendered: String, scale: Int) throws {
        let value = try #require(ExactDecimal(text))
        #expect(value.description == rendered)
        #expect(value.scale == scale)
        #expect(ExactDecimal(Substring(text))?.description == rendered)
    }

    /// Anything outside the strict grammar is refused: exponents, separators, spaces, empty parts, NaN.
    @Test(arguments: [
        "1e5", "1E5", "", "-", "+", "1.2.3", "NaN", "nan", "Infinity", " 1", "1 ", "1,000", ".5", "5.", "-.5",
        "+-1", "--1", "0x10", "1_000", "１", "1.5-", "1..5", "\u{0}1",
    ])
    func strictTextRejects(text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    /// Edited numbers from SYSPRO e.net lose surrounding spaces and thousands commas, and nothing else.
    @Test(arguments: [
        (" 1,234.50 ", "1234.50"),
        ("1,234,567", "1234567"),
        ("-12,345.6", "-12345.6"),
        ("\t42\t", "42"),
        ("0.00", "0.00"),
    ])
    func lenientTextParses(text: String, rendered: String) {
        #expect(ExactDecimal(lenientText: text)?.description == rendered)
    }

    /// Lenient parsing still refuses misplaced commas, inner spaces and exponents.
    @Test(arguments: [",123", "1,", "1,,234", "-,1", "1.2,3", "1 234", "- 5", "1e5", "", "   ", ","])
    func lenientTextRejects(text: String) {
        #expect(ExactDecimal(lenientText: text) == nil)
    }

    /// Integers convert exactly, including the extremes of Int.
    @Test(arguments: [0, 1, -1, 999_999_999, 1_000_000_000, Int.max, Int.min])
    func integersConvertExactly(value: Int) {
        #expect(ExactDecimal(value).description == String(value))
    }
}
