/// Reads a few named values out of a row's `columnsJSON` (`"Col":value,"Col2":value`, no braces) without
/// building a dictionary of every column.
///
/// The scanner walks the members in order, so a column name quoted inside another column's string value is
/// never mistaken for a member, and stops once every wanted name was seen (each column appears once). Values come back as their decoded text: strings unescaped, `null` as `nil`,
/// numbers and booleans as written. Member names are compared as bytes where they hold no escape, so only the
/// wanted values become `String`s (this runs once per staged GL row). Pure; `Sendable`.
enum ColumnValueScanner {
    /// The values of `names` in `columnsJSON`, in the order of `names`; a name that is absent or `null` maps
    /// to `nil`.
    /// - Returns: `nil` when the text is not a well-formed member list.
    static func values(of names: [[UInt8]], in columnsJSON: [UInt8]) -> [String?]? {
        columnsJSON.withUnsafeBufferPointer { values(of: names, in: $0) }
    }

    private static func values(of names: [[UInt8]], in bytes: UnsafeBufferPointer<UInt8>) -> [String?]? {
        var result = [String?](repeating: nil, count: names.count)
        var decodable = true
        let wellFormed = scan(names, in: bytes) { slot, value, isString in
            guard let value else { return }
            if isString {
                guard let text = decode(bytes, value) else {
                    decodable = false
                    return
                }
                result[slot] = text
            } else {
                result[slot] = String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
            }
        }
        return wellFormed && decodable ? result : nil
    }

    /// Walks the members of `bytes`, calling `found` for each member named in `names` with its slot and its value:
    /// the range of a string's content (escapes still encoded; `isString` true) or of a number's or boolean's
    /// text, or `nil` for `null`. Stops once every name was seen.
    ///
    /// - Returns: `false` when the text is not a well-formed member list.
    static func scan(
        _ names: [[UInt8]],
        in bytes: UnsafeBufferPointer<UInt8>,
        found: (_ slot: Int, _ value: Range<Int>?, _ isString: Bool) -> Void
    ) -> Bool {
        var seen: UInt64 = 0
        let all: UInt64 = names.count < 64 ? (1 << UInt64(names.count)) - 1 : 0
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 {
                index += 1
            }
        }
        while index < bytes.count {
            skipSpace()
            guard let key = stringRange(bytes, &index) else { return false }
            let slot = position(of: key, in: bytes, among: names)
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "\"") {
                guard let range = stringRange(bytes, &index) else { return false }
                if let slot { found(slot, range, true) }
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x20 { index += 1 }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<index])
                let isNull = word.count == 4 && word.elementsEqual("null".utf8)
                if let slot { found(slot, isNull ? nil : start..<index, false) }
            }
            if let slot {
                // Every wanted member seen: the rest of the row (GenTransaction's GL fields are in its first ten
                // of 26 columns) is not read. Rows come from Stage's own builder, one member per column.
                if slot < 64 { seen |= 1 << UInt64(slot) }
                if all != 0, seen == all { return true }
            }
            skipSpace()
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        }
        return true
    }

    /// Which of `names` the key in `range` (between its quotes) is.
    private static func position(
        of range: Range<Int>,
        in bytes: UnsafeBufferPointer<UInt8>,
        among names: [[UInt8]]
    )
        -> Int?
    {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if raw.contains(UInt8(ascii: "\\")) {
            guard let decoded = decode(bytes, range) else { return nil }
            let utf8 = Array(decoded.utf8)
            return names.firstIndex(of: utf8)
        }
        // A plain byte loop: this runs for every column of every GL row.
        var slot = 0
        while slot < names.count {
            let equal = names[slot].withUnsafeBufferPointer { name in
                guard name.count == raw.count else { return false }
                var offset = 0
                while offset < name.count {
                    if name[offset] != raw[offset] { return false }
                    offset += 1
                }
                return true
            }
            if equal { return slot }
            slot += 1
        }
        return nil
    }

    /// Skips one JSON string starting at the opening quote; returns the range of its content (escapes still
    /// encoded) and leaves `index` after the closing quote.
    private static func stringRange(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// The decoded text of a string's content.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < range.upperBound else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= range.upperBound,
                    let unit = UInt32(
                        String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self),
                        radix: 16
                    )
                else { return nil }
                index += 4
                // Surrogate pairs never describe key or period values; keep the replacement character.
                let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(scalar).utf8))
            default: out.append(escape)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
