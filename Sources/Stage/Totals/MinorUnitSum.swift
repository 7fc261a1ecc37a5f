import Common

/// An exact running sum of decimal texts that stays in `Int64` minor units while it fits and moves to
/// ``ExactDecimal`` only when a value or the sum would overflow.
///
/// It renders exactly as the `ExactDecimal` sum of the same texts starting from `.zero` would: the scale is the
/// largest scale added (at least 0), the digits have no leading zeros, and zero is never negative. Money never
/// passes through `Double`. Value type, `Sendable`.
struct MinorUnitSum: Sendable, Hashable {
    /// The sum in units of 10^-scale while ``exact`` is `nil`.
    private var units: Int64 = 0
    private var scale = 0
    /// The sum once it no longer fits `units`.
    private var exact: ExactDecimal?

    /// A decimal text's value in minor units: `(units, scale)`, or `nil` when the text is not strict decimal
    /// text (the grammar of ``ExactDecimal/init(_:)-(String)``) or has more than 18 digits.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (units: Int64, scale: Int)? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        let integerStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if digits == 18 { return nil }
            value = value * 10 + Int64(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard index > integerStart else { return nil }
        var scale = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits == 18 { return nil }
                value = value * 10 + Int64(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            scale = index - fractionStart
            guard scale > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        return (negative ? -value : value, scale)
    }

    /// 10^exponent, or `nil` above 10^18.
    private static func powerOfTen(_ exponent: Int) -> Int64? {
        guard exponent <= 18 else { return nil }
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// `value * 10^exponent`, or `nil` on overflow.
    private static func scaled(_ value: Int64, by exponent: Int) -> Int64? {
        if exponent == 0 || value == 0 { return value }
        guard let factor = powerOfTen(exponent) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }

    /// Adds `units` × 10^-`valueScale` exactly.
    mutating func add(units value: Int64, scale valueScale: Int) {
        if exact == nil {
            let target = Swift.max(scale, valueScale)
            if let current = Self.scaled(units, by: target - scale),
                let addend = Self.scaled(value, by: target - valueScale)
            {
                let (sum, overflow) = current.addingReportingOverflow(addend)
                if !overflow {
                    units = sum
                    scale = target
                    return
                }
            }
            exact = Self.decimal(units: units, scale: scale)
        }
        exact! += Self.decimal(units: value, scale: valueScale)
    }

    /// Adds another sum, as if its values had been added here one by one.
    mutating func add(_ other: MinorUnitSum) {
        if let exact = other.exact {
            add(exact)
        } else {
            add(units: other.units, scale: other.scale)
        }
    }

    /// Adds an already parsed exact value (one that did not fit minor units).
    mutating func add(_ value: ExactDecimal) {
        if exact == nil { exact = Self.decimal(units: units, scale: scale) }
        exact! += value
    }

    /// The sum as decimal text, exactly as ``ExactDecimal/description`` renders it.
    var description: String {
        if let exact { return exact.description }
        return Self.render(units: units, scale: scale)
    }

    /// `units` × 10^-`scale` as `ExactDecimal` text: `-` only when non-zero, at least one integer digit,
    /// exactly `scale` fraction digits.
    ///
    /// Digits are written from the end straight into the string's storage: a manifest renders two sums for each of
    /// ~17,000 GL groups per segment at its seal, where building them through arrays and inserts took ~15 ms.
    static func render(units: Int64, scale: Int) -> String {
        precondition(scale >= 0, "a scale is never negative")
        let magnitude = units.magnitude
        var digits = 1
        var probe = magnitude / 10
        while probe > 0 {
            digits += 1
            probe /= 10
        }
        let length = (units < 0 ? 1 : 0) + max(digits, scale + 1) + (scale > 0 ? 1 : 0)
        return String(unsafeUninitializedCapacity: length) { output in
            var index = length
            var remaining = magnitude
            for _ in 0..<scale {
                index -= 1
                output[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            if scale > 0 {
                index -= 1
                output[index] = UInt8(ascii: ".")
            }
            repeat {
                index -= 1
                output[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            if units < 0 {
                index -= 1
                output[index] = UInt8(ascii: "-")
            }
            precondition(index == 0, "the length counts every byte written")
            return length
        }
    }

    /// The exact value of `units` × 10^-`scale` (built from its text, so no binary type is involved).
    private static func decimal(units: Int64, scale: Int) -> ExactDecimal {
        guard let value = ExactDecimal(render(units: units, scale: scale)) else {
            preconditionFailure("rendered minor units are always decimal text")
        }
        return value
    }
}
