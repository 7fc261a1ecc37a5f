/// Finds runs of bytes that a JSON string holds as they are and that need no UTF-8 check: printable ASCII
/// other than `"` and `\` (0x20–0x7F without 0x22 and 0x5C). Eight bytes are tested at a time.
enum PlainJSONBytes {
    /// The index of the first byte in `base[start..<end]` that is not plain (or `end`).
    @inline(__always)
    static func endOfRun(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index + 8 <= end, !hasSpecialByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
            index += 8
        }
        while index < end, isPlain(base[index]) { index += 1 }
        return index
    }

    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x80 && byte != 0x22 && byte != 0x5C
    }

    /// Whether any byte of `word` is below 0x20, at or above 0x80, `"` or `\`. Exact (no false negatives): a
    /// word without a byte at or above 0x80 has no borrow into a byte's high bit except from a byte that is
    /// below the bound or equal to the compared value.
    @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & high
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteFound = (quote &- ones) & ~quote & high
        let backslashFound = (backslash &- ones) & ~backslash & high
        return (control | quoteFound | backslashFound | (word & high)) != 0
    }
}
