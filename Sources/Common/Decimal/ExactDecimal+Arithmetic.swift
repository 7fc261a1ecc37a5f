extension ExactDecimal {
    /// The exact sum, at the larger of the two scales.
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let (left, right, scale) = aligned(lhs, rhs)
        if lhs.isNegative == rhs.isNegative {
            return ExactDecimal(limbs: addMagnitudes(left, right), isNegative: lhs.isNegative, scale: scale)
        }
        // Opposite signs: subtract the smaller magnitude from the larger and keep the larger one's sign.
        switch compareMagnitudes(left, right) {
        case 0:
            return ExactDecimal(limbs: [], isNegative: false, scale: scale)
        case 1:
            return ExactDecimal(limbs: subtractMagnitudes(left, right), isNegative: lhs.isNegative, scale: scale)
        default:
            return ExactDecimal(limbs: subtractMagnitudes(right, left), isNegative: rhs.isNegative, scale: scale)
        }
    }

    /// The exact difference, at the larger of the two scales.
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs + rhs.negated
    }

    /// The value with the opposite sign.
    public static prefix func - (operand: ExactDecimal) -> ExactDecimal {
        operand.negated
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) {
        lhs = lhs + rhs
    }

    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) {
        lhs = lhs - rhs
    }

    // MARK: - Magnitude arithmetic on base-10⁹ limbs, least significant first

    /// Both magnitudes rescaled to the larger scale, and that scale.
    static func aligned(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> ([UInt32], [UInt32], Int) {
        if lhs.scale == rhs.scale {
            return (lhs.limbs, rhs.limbs, lhs.scale)
        }
        if lhs.scale < rhs.scale {
            return (multiplyByPowerOfTen(lhs.limbs, rhs.scale - lhs.scale), rhs.limbs, rhs.scale)
        }
        return (lhs.limbs, multiplyByPowerOfTen(rhs.limbs, lhs.scale - rhs.scale), lhs.scale)
    }

    static func trim(_ limbs: inout [UInt32]) {
        while limbs.last == 0 {
            limbs.removeLast()
        }
    }

    /// -1, 0 or 1 as magnitude `a` is below, equal to or above `b`. Both must be trimmed.
    static func compareMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count {
            return a.count < b.count ? -1 : 1
        }
        for index in stride(from: a.count - 1, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return 0
    }

    static func addMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(max(a.count, b.count) + 1)
        var carry: UInt32 = 0
        for index in 0..<max(a.count, b.count) {
            var sum = carry
            if index < a.count { sum += a[index] }
            if index < b.count { sum += b[index] }
            // Each limb is below 10⁹, so a sum of two limbs and a carry stays below 2³².
            carry = sum >= base ? 1 : 0
            result.append(sum - carry * base)
        }
        if carry > 0 { result.append(carry) }
        return result
    }

    /// `a - b`; requires `a >= b`.
    static func subtractMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        precondition(compareMagnitudes(a, b) >= 0, "subtractMagnitudes requires a >= b")
        var result: [UInt32] = []
        result.reserveCapacity(a.count)
        var borrow: UInt32 = 0
        for index in 0..<a.count {
            let subtrahend = (index < b.count ? b[index] : 0) + borrow
            if a[index] >= subtrahend {
                result.append(a[index] - subtrahend)
                borrow = 0
            } else {
                result.append(a[index] + base - subtrahend)
                borrow = 1
            }
        }
        trim(&result)
        return result
    }

    /// `a × 10^exponent`, exponent ≥ 0.
    static func multiplyByPowerOfTen(_ a: [UInt32], _ exponent: Int) -> [UInt32] {
        guard !a.isEmpty, exponent > 0 else { return a }
        // Whole limbs first (each is 10⁹), then the remaining factor below 10⁹.
        var result = [UInt32](repeating: 0, count: exponent / digitsPerLimb) + a
        var factor: UInt64 = 1
        for _ in 0..<(exponent % digitsPerLimb) { factor *= 10 }
        guard factor > 1 else { return result }
        var carry: UInt64 = 0
        for index in result.indices {
            let product = UInt64(result[index]) * factor + carry
            result[index] = UInt32(product % UInt64(base))
            carry = product / UInt64(base)
        }
        if carry > 0 { result.append(UInt32(carry)) }
        return result
    }
}
