import Extract
import Foundation

/// Properties every row a SYSPRO source delivers must have, whatever bytes the server sent
/// (CONVENTIONS.md, "The staged row contract").
enum RowInvariants {
    /// Traps unless `row` can become one staged NDJSON line and its amounts are exact decimal text.
    ///
    /// - `{` + `columnsJSON` + `}` is one valid JSON object with no line feed (a line feed would split the
    ///   segment line, and invalid JSON would poison every reader of the segment);
    /// - each amount is `[-]digits[.digits]`: money travels as decimal text, never as an exponent or a float.
    static func checkStagedLine(_ row: SourceRow, source: String) {
        precondition(
            !row.columnsJSON.contains(0x0A),
            "\(source): a row's columns contain a line feed: \(row.columnsText)"
        )
        let line = Data([UInt8(ascii: "{")] + row.columnsJSON + [UInt8(ascii: "}")])
        let object = try? JSONSerialization.jsonObject(with: line)
        precondition(object is [String: Any], "\(source): a row is not one JSON object: {\(row.columnsText)}")
        for amount in row.amounts {
            guard let amount else { continue }
            precondition(isDecimalText(amount), "\(source): amount \(amount) is not decimal text")
        }
    }

    /// Whether `text` is `[-]digits[.digits]`.
    static func isDecimalText(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let integer = bytes.prefix(while: isDigit)
        guard !integer.isEmpty else { return false }
        let rest = bytes.dropFirst(integer.count)
        if rest.isEmpty { return true }
        guard rest.first == UInt8(ascii: "."), rest.count > 1 else { return false }
        return rest.dropFirst().allSatisfy(isDigit)
    }
}
