import Common
import Testing

@Suite struct ExactDecimalArithmeticTests {
    private func decimal(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

    /// Sums and differences are exact and render at the larger operand scale.
    @Test(arguments: [
        ("1.50", "+", "2.125", "3.625"),
        ("1.50", "+", "1.50", "3.00"),
        ("999999999999999999999999999999.99", "+", "0.01", "1000000000000000000000000000000.00"),
        ("1000000000000000000", "-", "0.000000001", "999999999999999999.999999999"),
        ("-5.25", "+", "10", "4.75"),
        ("5", "-", "7.5", "-2.5"),
        ("-1.00", "+", "1.00", "0.00"),
        ("-1", "-", "-1", "0"),
        ("-999999999.5", "-", "0.5", "-1000000000.0"),
        ("0.1", "+", "0.2", "0.3"),
        ("123456789012345678901234567890", "-", "123456789012345678901234567891", "-1"),
    ])
    func arithmeticIsExact(lhs: String, operation: String, rhs: String, expected: String) {
        let result = operation == "+" ? decimal(lhs) + decimal(rhs) : decimal(lhs) - decimal(rhs)
        #expect(result.description == expected)
    }

    /// One million additions of 0.01 give exactly 10000.00.
    @Test func millionCentsSumExactly() {
        let cent = decimal("0.01")
        var total = ExactDecimal.zero
        for _ in 0..<1_000_000 {
            total += cent
        }
        #expect(total.description == "10000.00")
        #expect(total == decimal("10000"))
    }

    /// Sums at the 10³⁰ scale keep every digit, and a negative total crosses zero back to exactly zero.
    @Test func hugeSumsCrossZeroExactly() {
        let large = decimal("123456789012345678901234567890.123456789")
        var total = ExactDecimal.zero
        for _ in 0..<1_000 {
            total += large
        }
        #expect(total.description == "123456789012345678901234567890123.456789000")
        for _ in 0..<1_001 {
            total -= large
        }
        #expect(total == large.negated)
        total += large
        #expect(total.isZero)
        #expect(total.description == "0.000000000")
    }

    /// Random sums and differences agree with integer arithmetic on the same scaled values.
    @Test func agreesWithIntegerArithmetic() {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<2_000 {
            let a = Int(truncatingIfNeeded: generator.next() % 2_000_000_000_000) - 1_000_000_000_000
            let b = Int(truncatingIfNeeded: generator.next() % 2_000_000_000_000) - 1_000_000_000_000
            let scaleA = Int(generator.next() % 5)
            let scaleB = Int(generator.next() % 5)
            let scale = max(scaleA, scaleB)
            let alignedA = a * power(scale - scaleA)
            let alignedB = b * power(scale - scaleB)
            let left = decimal(render(a, scale: scaleA))
            let right = decimal(render(b, scale: scaleB))
            #expect((left + right).description == render(alignedA + alignedB, scale: scale))
            #expect((left - right).description == render(alignedA - alignedB, scale: scale))
            #expect((left < right) == (alignedA < alignedB))
            #expect((left == right) == (alignedA == alignedB))
        }
    }

    /// Equality and hashing are numeric: trailing fraction zeros do not make a different value.
    @Test func equalityIgnoresTrailingZeros() {
        #expect(decimal("1.5") == decimal("1.50"))
        #expect(decimal("-0.0") == decimal("0"))
        #expect(decimal("1.5") != decimal("1.05"))
        #expect(Set([decimal("1.5"), decimal("1.50"), decimal("01.500"), decimal("2")]).count == 2)
        #expect(decimal("10").hashValue == decimal("10.000").hashValue)
    }

    /// Ordering is numeric across signs and scales.
    @Test func orderingIsNumeric() {
        let sorted = ["3", "-2", "0.001", "-1.5", "0", "1.50", "-0.01", "100"].map(decimal).sorted()
        #expect(sorted.map(\.description) == ["-2", "-1.5", "-0.01", "0", "0.001", "1.50", "3", "100"])
    }

    /// fits(precision:scale:) checks integer digits and significant fraction digits.
    @Test(arguments: [
        ("12345678901234567890123456789.123456789", 38, 9, true),
        ("123456789012345678901234567890", 38, 9, false),
        ("-99999999999999999999999999999.999999999", 38, 9, true),
        ("1.1234567891", 38, 9, false),
        ("1.1234567890", 38, 9, true),
        ("0.05", 3, 2, true),
        ("9.99", 3, 2, true),
        ("10.00", 3, 2, false),
        ("1.500", 3, 2, true),
        ("0", 1, 0, true),
        ("0.000", 1, 0, true),
        ("2024", 4, 0, true),
        ("20240", 4, 0, false),
        ("12345678901234567890123456789012345678.12345678901234567890123456789012345678", 76, 38, true),
    ])
    func fitsChecksPrecisionAndScale(text: String, precision: Int, scale: Int, fits: Bool) {
        #expect(decimal(text).fits(precision: precision, scale: scale) == fits)
    }

    private func power(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Renders `value / 10^scale` the way ExactDecimal should.
    private func render(_ value: Int, scale: Int) -> String {
        let digits = String(value.magnitude)
        var text: String
        if scale == 0 {
            text = digits
        } else {
            let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            text = padded.dropLast(scale) + "." + padded.suffix(scale)
        }
        return value < 0 ? "-" + text : text
    }
}
