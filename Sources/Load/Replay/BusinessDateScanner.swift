/// Finds one column's date in a staged line without parsing the row.
///
/// Replay sends only the rows whose business date is in range; parsing every row as JSON would be slow and
/// could reformat values, so this reads the bytes of `"<column>":"YYYY-MM-DD` directly. Date-times
/// (`YYYY-MM-DDTHH:MM:SS`) give their date part. A key is recognised only after `{` or `,`, so the same text
/// inside a string value (where its quotes are escaped) never matches.
///
/// This type is a value type and is `Sendable`.
struct BusinessDateScanner: Sendable {
    private let key: [UInt8]

    init(column: String) {
        key = Array("\"\(column)\":".utf8)
    }

    /// The `YYYY-MM-DD` date of the column in `line`, or `nil` when it is absent, `null` or not a date.
    func date(in line: [UInt8]) -> String? {
        guard line.count > key.count else { return nil }
        var index = 1
        let last = line.count - key.count
        while index <= last {
            let previous = line[index - 1]
            if line[index] == UInt8(ascii: "\""), previous == UInt8(ascii: ",") || previous == UInt8(ascii: "{"),
                line[index..<index + key.count].elementsEqual(key)
            {
                return Self.dateValue(line, at: index + key.count)
            }
            index += 1
        }
        return nil
    }

    private static func dateValue(_ line: [UInt8], at start: Int) -> String? {
        // "YYYY-MM-DD is 12 bytes with the quotes.
        guard start + 11 < line.count, line[start] == UInt8(ascii: "\"") else { return nil }
        let digits = line[(start + 1)...(start + 10)]
        let dash = UInt8(ascii: "-")
        for (offset, byte) in digits.enumerated() {
            let isDashPosition = offset == 4 || offset == 7
            if isDashPosition ? byte != dash : !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return nil }
        }
        let next = line[start + 11]
        guard next == UInt8(ascii: "\"") || next == UInt8(ascii: "T") || next == UInt8(ascii: " ") else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }
}
