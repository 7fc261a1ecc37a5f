import Common
import Testing

@testable import Stage

/// Minor units render exactly as the same value's `ExactDecimal` text.
@Suite struct MinorUnitSumTests {
    /// The text of `units` × 10^-`scale` built digit by digit from a string, the way the rendering rule reads.
    static func reference(units: Int64, scale: Int) -> String {
        var digits = String(units.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (units < 0 ? "-" : "") + digits
    }

    /// Zero, one, the Int64 extremes, numbers shorter and longer than the scale, every scale from 0 to 18.
    @Test func rendersLikeTheReferenceAndExactDecimal() throws {
        var values: [Int64] = [0, 1, -1, 9, -9, 10, -10, 99, 100, 12_345, -12_345, .max, .min, .max - 1, .min + 1]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { values.append(Int64.random(in: .min ... .max, using: &generator)) }
        for _ in 0..<2_000 { values.append(Int64.random(in: -1_000_000...1_000_000, using: &generator)) }
        for units in values {
            for scale in 0...18 {
                let text = MinorUnitSum.render(units: units, scale: scale)
                #expect(text == Self.reference(units: units, scale: scale), "\(units) scale \(scale)")
                let exact = try #require(ExactDecimal(text))
                #expect(exact.description == text, "\(units) scale \(scale)")
            }
        }
    }
}
