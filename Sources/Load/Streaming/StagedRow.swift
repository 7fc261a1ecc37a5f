/// One staged row as Load sends it: its position in the segment and its NDJSON line (without the LF).
///
/// The line is never parsed or re-encoded: insertAll splices it into the request as it is, so decimals travel
/// as the exact text SYSPRO sent (design brief, decision 2). The streaming path keeps rows inside an
/// ``InsertAllBatch`` and makes `StagedRow`s only on its slow paths (a 413 split, resent or rejected rows).
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

    init(line: Int, bytes: [UInt8], insertID: String?) {
        self.line = line
        self.bytes = bytes
        self.insertID = insertID
    }

    /// How far into the line `_insert_id` may start: after `{"_segment":<≤19 digits>,"_line":<≤19 digits>,`.
    static let insertIDSearchWindow = 120
    /// The longest insertId BigQuery accepts (https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/insertAll).
    static let maximumInsertIDLength = 128

    /// Finds `"_insert_id":"<id>"` near the start of the line without parsing the row. The staged row contract
    /// puts it third, after `_segment` and `_line`. Returns `nil` for a missing, empty or escaped id.
    static func insertID(in line: [UInt8]) -> String? {
        line.withUnsafeBytes { buffer in
            insertIDRange(in: buffer).map {
                String(decoding: UnsafeRawBufferPointer(rebasing: buffer[$0]), as: UTF8.self)
            }
        }
    }

    /// Where the `_insert_id` value lies in `line` (between its quotes), or `nil` as for ``insertID(in:)``.
    /// An id longer than ``maximumInsertIDLength`` is not found, as in ``insertID(in:)``.
    static func insertIDRange(in line: UnsafeRawBufferPointer) -> Range<Int>? {
        let key = insertIDKey
        let limit = min(line.count, insertIDSearchWindow + key.count)
        guard limit >= key.count else { return nil }
        var start = 0
        while start + key.count <= limit {
            // `"_i` rules out `"_segment"` and `"_line"` before the whole key is compared.
            if line[start] == UInt8(ascii: "\""), line[start + 1] == UInt8(ascii: "_"),
                line[start + 2] == UInt8(ascii: "i"), matches(line, at: start, key)
            {
                let valueStart = start + key.count
                var end = valueStart
                while end < line.count, end - valueStart <= maximumInsertIDLength {
                    let byte = line[end]
                    if byte == UInt8(ascii: "\"") { return end > valueStart ? valueStart..<end : nil }
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

    private static let insertIDKey: [UInt8] = Array(#""_insert_id":""#.utf8)

    private static func matches(_ line: UnsafeRawBufferPointer, at start: Int, _ key: [UInt8]) -> Bool {
        for index in 3..<key.count where line[start + index] != key[index] { return false }
        return true
    }
}
