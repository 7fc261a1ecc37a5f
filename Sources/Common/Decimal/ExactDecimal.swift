/// An exact signed decimal of any size, for money and quantities that must never pass through `Double`.
///
/// SYSPRO stores every number as SQL `decimal(p,s)` and sends it as decimal text. `ExactDecimal` parses that
/// text without loss, adds and subtracts exactly (totals to the cent, whatever the size), and checks whether a
/// value fits a target type such as BigQuery `NUMERIC` (38,9) or `BIGNUMERIC` (76,38). It never rounds.
///
/// The value is a sign, a magnitude in base-10⁹ limbs and a scale (the number of fraction digits written):
/// `"1.50"` has magnitude 150 and scale 2. The scale is kept so that sums render like the operands:
/// `"1.50" + "2.125"` is `"3.625"` and `"1.50" + "1.50"` is `"3.00"`.
///
/// Equality and ordering are numeric: `"1.5" == "1.50"`, although their descriptions differ. Negative zero is
/// normalised to zero (`"-0.00"` renders `"0.00"`).
///
/// A value type; `Sendable`.
public struct ExactDecimal: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The magnitude in base-10⁹ limbs, least significant first, without high zero limbs. Zero is `[]`.
    var limbs: [UInt32]
    /// Whether the value is below zero. Always false for zero.
    var isNegative: Bool
    /// The number of digits after the decimal point, as written or as produced by arithmetic.
    public private(set) var scale: Int

    /// The limb base, 10⁹: the largest power of ten whose square fits comfortably in 64 bits.
    static let base: UInt32 = 1_000_000_000
    static let digitsPerLimb = 9

    init(limbs: [UInt32], isNegative: Bool, scale: Int) {
        var limbs = limbs
        Self.trim(&limbs)
        self.limbs = limbs
        self.isNegative = isNegative && !limbs.isEmpty
        self.scale = scale
    }

    /// Zero with scale 0.
    public static let zero = ExactDecimal(limbs: [], isNegative: false, scale: 0)

    /// Creates the exact value of an integer.
    public init(_ value: Int) {
        var magnitude = value.magnitude
        var limbs: [UInt32] = []
        while magnitude > 0 {
            limbs.append(UInt32(magnitude % UInt(Self.base)))
            magnitude /= UInt(Self.base)
        }
        self.init(limbs: limbs, isNegative: value < 0, scale: 0)
    }

    /// Whether the value is zero (at any scale).
    public var isZero: Bool { limbs.isEmpty }

    /// The value with the opposite sign and the same scale. Zero stays zero.
    public var negated: ExactDecimal {
        ExactDecimal(limbs: limbs, isNegative: !isNegative, scale: scale)
    }

    /// The decimal text: an optional `-`, at least one integer digit without leading zeros, and exactly
    /// ``scale`` fraction digits after a `.` when the scale is above zero.
    public var description: String {
        var digits = Self.digitString(limbs)
        if scale > 0 {
            if digits.count <= scale {
                digits = [UInt8](repeating: UInt8(ascii: "0"), count: scale + 1 - digits.count) + digits
            }
            digits.insert(UInt8(ascii: "."), at: digits.count - scale)
        }
        if isNegative {
            digits.insert(UInt8(ascii: "-"), at: 0)
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Whether the value fits SQL/BigQuery `decimal(precision, scale)` without rounding: at most
    /// `precision - scale` integer digits and at most `scale` significant fraction digits.
    ///
    /// Trailing fraction zeros are not significant: `"1.500"` fits `decimal(3,2)`. Use `fits(precision: 38,
    /// scale: 9)` for BigQuery `NUMERIC` and `fits(precision: 76, scale: 38)` for `BIGNUMERIC`. (BIGNUMERIC's
    /// exact range is slightly over 76 integer-plus-fraction digits; this check is the conservative bound.)
    public func fits(precision: Int, scale targetScale: Int) -> Bool {
        guard precision > 0, targetScale >= 0, targetScale <= precision else { return false }
        guard !limbs.isEmpty else { return true }
        let digits = Self.digitString(limbs)
        let integerDigits = max(0, digits.count - scale)
        let fractionDigits = Self.significantFractionDigits(digits: digits, scale: scale)
        return integerDigits <= precision - targetScale && fractionDigits <= targetScale
    }

    /// The number of fraction digits up to and including the last non-zero one, given the magnitude's digits.
    static func significantFractionDigits(digits: [UInt8], scale: Int) -> Int {
        var trailingZeros = 0
        for digit in digits.reversed() {
            guard digit == UInt8(ascii: "0") else { break }
            trailingZeros += 1
        }
        return max(0, scale - trailingZeros)
    }

    // MARK: - Equatable, Hashable, Comparable

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) == 0
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Hashes the numeric value, so that equal values at different scales hash alike.
    public func hash(into hasher: inout Hasher) {
        var digits = Self.digitString(limbs)
        var scale = self.scale
        while scale > 0 && digits.count > 1 && digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            scale -= 1
        }
        if limbs.isEmpty { scale = 0 }
        hasher.combine(isNegative)
        hasher.combine(scale)
        hasher.combine(digits)
    }

    /// -1, 0 or 1 as `lhs` is below, equal to or above `rhs`.
    static func compare(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        if lhs.isNegative != rhs.isNegative {
            return lhs.isNegative ? -1 : 1
        }
        let (left, right, _) = aligned(lhs, rhs)
        let magnitudeOrder = compareMagnitudes(left, right)
        return lhs.isNegative ? -magnitudeOrder : magnitudeOrder
    }
}
