/// Validation of decimal text against a SQL `decimal(p,s)` column and BigQuery's NUMERIC/BIGNUMERIC limits.
///
/// Money never passes through a binary type: the text received is the text staged. The only change made is
/// dropping a leading `+`; digits, leading zeros and the scale as sent are kept (`1234.50` stays `1234.50`).
enum DecimalText {
    /// Why a text is not an acceptable decimal.
    enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notADecimal
        case exponent
        case tooManyIntegerDigits(found: Int, allowed: Int)
        case tooManyFractionDigits(found: Int, allowed: Int)

        var description: String {
            switch self {
            case .notADecimal:
                return "is not decimal text ([-]digits[.digits])"
            case .exponent:
                return "uses an exponent, which a decimal column never needs (the server rounded it through a float)"
            case .tooManyIntegerDigits(let found, let allowed):
                return "has \(found) significant digits before the point; the column allows \(allowed)"
            case .tooManyFractionDigits(let found, let allowed):
                return "has \(found) significant digits after the point; the column allows \(allowed)"
            }
        }
    }

    /// Appends the normalised form of `text` to `output`, or returns the problem and appends nothing.
    ///
    /// - Parameters:
    ///   - text: the bytes as received (a JSON number's text, or a string's content).
    ///   - precision: the column's `p`; `scale`: its `s`.
    ///   - maximumFractionDigits: the BigQuery type's scale (9 for NUMERIC, 38 for BIGNUMERIC); trailing zeros
    ///     beyond the column's scale are kept up to this many fraction digits.
    static func appendNormalized<Sink: ByteSink>(
        _ text: UnsafeBufferPointer<UInt8>,
        to output: inout Sink,
        precision: Int,
        scale: Int,
        maximumFractionDigits: Int
    ) -> Problem? {
        var index = 0
        let count = text.count
        var negative = false
        if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        let integerStart = index
        while index < count, isDigit(text[index]) { index += 1 }
        let integerEnd = index
        guard integerEnd > integerStart else { return containsExponent(text) ? .exponent : .notADecimal }
        var fractionStart = index
        var fractionEnd = index
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            fractionStart = index
            while index < count, isDigit(text[index]) { index += 1 }
            fractionEnd = index
            guard fractionEnd > fractionStart else { return .notADecimal }
        }
        guard index == count else {
            return text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") ? .exponent : .notADecimal
        }
        var significantStart = integerStart
        while significantStart < integerEnd - 1, text[significantStart] == UInt8(ascii: "0") { significantStart += 1 }
        let integerDigits = text[significantStart] == UInt8(ascii: "0") ? 0 : integerEnd - significantStart
        guard integerDigits <= precision - scale else {
            return .tooManyIntegerDigits(found: integerDigits, allowed: precision - scale)
        }
        var significantFractionEnd = fractionEnd
        while significantFractionEnd > fractionStart, text[significantFractionEnd - 1] == UInt8(ascii: "0") {
            significantFractionEnd -= 1
        }
        let fractionDigits = significantFractionEnd - fractionStart
        guard fractionDigits <= scale else { return .tooManyFractionDigits(found: fractionDigits, allowed: scale) }
        guard fractionEnd - fractionStart <= maximumFractionDigits else {
            return .tooManyFractionDigits(found: fractionEnd - fractionStart, allowed: maximumFractionDigits)
        }
        if negative { output.append(UInt8(ascii: "-")) }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[integerStart..<count]))
        return nil
    }

    /// The normalised text of `text` as a `String`, or the problem.
    static func normalized(
        _ text: String,
        precision: Int,
        scale: Int,
        maximumFractionDigits: Int = 38
    ) -> Result<
        String, Problem
    > {
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        let problem = bytes.withUnsafeMutableBufferPointer {
            appendNormalized(
                UnsafeBufferPointer($0),
                to: &output,
                precision: precision,
                scale: scale,
                maximumFractionDigits: maximumFractionDigits
            )
        }
        if let problem { return .failure(problem) }
        return .success(String(decoding: output, as: UTF8.self))
    }

    /// Whether `text` is an integer (`[-]digits`), for `int`-family columns.
    static func isInteger(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if index < text.count, text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < text.count else { return false }
        while index < text.count {
            guard isDigit(text[index]) else { return false }
            index += 1
        }
        return true
    }

    private static func containsExponent(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.contains(UInt8(ascii: "e")) || text.contains(UInt8(ascii: "E"))
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
