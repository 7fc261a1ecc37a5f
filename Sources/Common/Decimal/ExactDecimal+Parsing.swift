extension ExactDecimal {
    /// Parses strict decimal text: an optional `+` or `-`, one or more digits, and optionally `.` followed by
    /// one or more digits. Nothing else: no spaces, no thousands separators, no exponent, no `NaN`.
    ///
    /// This is the grammar of SQL decimal text and of OData JSON decimals written as strings. The scale is the
    /// number of fraction digits written (`"1.50"` has scale 2); leading zeros are accepted and dropped.
    public init?(_ text: Substring) {
        guard let value = Self.parse(Array(text.utf8)) else { return nil }
        self = value
    }

    /// Parses strict decimal text; see ``init(_:)-(Substring)``.
    public init?(_ text: String) {
        self.init(Substring(text))
    }

    /// Parses an edited number as SYSPRO e.net business objects print it: surrounding spaces are trimmed and
    /// thousands commas in the integer part are removed, then the strict grammar applies (`" 1,234.50 "` is
    /// 1234.50). Commas after the decimal point are refused.
    public init?(lenientText text: Substring) {
        var bytes = Array(text.utf8)
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            bytes.removeFirst()
        }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes.removeLast()
        }
        let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
        guard !bytes[dot...].contains(UInt8(ascii: ",")) else { return nil }
        // A comma must sit between digits: "1,234" yes; ",123", "1,,234", "-,1" and "1," no.
        for index in bytes.indices where bytes[index] == UInt8(ascii: ",") {
            guard index > bytes.startIndex, index + 1 < dot, Self.isDigit(bytes[index - 1]),
                Self.isDigit(bytes[index + 1])
            else { return nil }
        }
        bytes.removeAll { $0 == UInt8(ascii: ",") }
        guard let value = Self.parse(bytes) else { return nil }
        self = value
    }

    /// Parses an edited number; see ``init(lenientText:)-(Substring)``.
    public init?(lenientText text: String) {
        self.init(lenientText: Substring(text))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The strict grammar over ASCII bytes.
    static func parse(_ bytes: [UInt8]) -> ExactDecimal? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count)
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) {
            digits.append(bytes[index])
            index += 1
        }
        guard index > integerStart else { return nil }
        var scale = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                index += 1
            }
            scale = index - fractionStart
            guard scale > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        return ExactDecimal(limbs: limbs(fromDigits: digits), isNegative: negative, scale: scale)
    }

    /// Base-10⁹ limbs (least significant first) of a string of ASCII digits, most significant first.
    static func limbs(fromDigits digits: [UInt8]) -> [UInt32] {
        var limbs: [UInt32] = []
        limbs.reserveCapacity(digits.count / digitsPerLimb + 1)
        var end = digits.count
        while end > 0 {
            let start = max(0, end - digitsPerLimb)
            var limb: UInt32 = 0
            for position in start..<end {
                limb = limb * 10 + UInt32(digits[position] - UInt8(ascii: "0"))
            }
            limbs.append(limb)
            end = start
        }
        trim(&limbs)
        return limbs
    }

    /// The ASCII digits of a magnitude, most significant first, without leading zeros; `"0"` for zero.
    static func digitString(_ limbs: [UInt32]) -> [UInt8] {
        guard let top = limbs.last else { return [UInt8(ascii: "0")] }
        var digits = Array(String(top).utf8)
        digits.reserveCapacity(limbs.count * digitsPerLimb)
        for limb in limbs.dropLast().reversed() {
            var chunk = [UInt8](repeating: UInt8(ascii: "0"), count: digitsPerLimb)
            var value = limb
            var position = digitsPerLimb - 1
            while value > 0 {
                chunk[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                position -= 1
            }
            digits.append(contentsOf: chunk)
        }
        return digits
    }
}
