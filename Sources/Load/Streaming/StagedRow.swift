/// One staged row as Load sends it: its position in the segment and its NDJSON line (without the LF).
///
/// The line is never parsed or re-encoded: insertAll splices it into the request as it is, so decimals travel
/// as the exact text SYSPRO sent (design brief, decision 2).
///
/// This type is a value type and is `Sendable`.
public struct StagedRow: Sendable, Hashable {
    /// The row's `_line`: its 0-based index in the segment.
    public let line: Int
    /// The staged JSON object, without the trailing LF.
    public let bytes: [UInt8]
    /// The row's `_insert_id`, or `nil` when the line does not carry one where the contract puts it.
    public let insertID: String?

    public init(line: Int, bytes: [UInt8]) {
        self.line = line
        self.bytes = bytes
        self.insertID = StagedRow.insertID(in: bytes)
    }

    /// How far into the line `_insert_id` may start: after `{"_segment":<≤19 digits>,"_line":<≤19 digits>,`.
    static let insertIDSearchWindow = 120
    private static let insertIDKey = Array(#""_insert_id":""#.utf8)

    /// Finds `"_insert_id":"<id>"` near the start of the line without parsing the row. The staged row contract
    /// puts it third, after `_segment` and `_line`. Returns `nil` for a missing, empty or escaped id.
    static func insertID(in line: [UInt8]) -> String? {
        let key = insertIDKey
        let limit = min(line.count, insertIDSearchWindow + key.count)
        guard limit >= key.count else { return nil }
        var start = 0
        while start + key.count <= limit {
            if line[start] == UInt8(ascii: "\""), Array(line[start..<start + key.count]) == key {
                let valueStart = start + key.count
                var end = valueStart
                while end < line.count, end - valueStart <= 128 {
                    let byte = line[end]
                    if byte == UInt8(ascii: "\"") {
                        guard end > valueStart else { return nil }
                        return String(decoding: line[valueStart..<end], as: UTF8.self)
                    }
                    // insertIds are hex; an escape or control byte means the line is not what Stage writes.
                    if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                    end += 1
                }
                return nil
            }
            start += 1
        }
        return nil
    }
}
