/// Builds `tabledata.insertAll` request bodies by splicing staged lines, byte for byte.
///
/// ```
/// {"skipInvalidRows":false,"ignoreUnknownValues":false,"rows":[{"insertId":"<id>","json":<line>},…]}
/// ```
///
/// `skipInvalidRows:false` makes one bad row fail the whole request, with `invalid` on it and `stopped` on the
/// others, so nothing is inserted half-way; `ignoreUnknownValues:false` rejects columns the table does not have
/// rather than dropping them silently (https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/insertAll).
enum InsertAllBody {
    static let prefix = Array(#"{"skipInvalidRows":false,"ignoreUnknownValues":false,"rows":["#.utf8)
    static let suffix = Array("]}".utf8)
    static let rowOpen = Array(#"{"insertId":""#.utf8)
    static let rowMiddle = Array(#"","json":"#.utf8)
    static let rowClose = UInt8(ascii: "}")

    /// The body for `rows`, all of which must have an insertId.
    static func make(_ rows: [StagedRow]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(size(of: rows))
        body += prefix
        for (index, row) in rows.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += rowOpen
            body += (row.insertID ?? "").utf8
            body += rowMiddle
            body += row.bytes
            body.append(rowClose)
        }
        body += suffix
        return body
    }

    /// The bytes one row adds to a body, separator included.
    static func rowSize(_ row: StagedRow) -> Int {
        rowOpen.count + (row.insertID?.utf8.count ?? 0) + rowMiddle.count + row.bytes.count + 1 + 1
    }

    /// The exact size of ``make(_:)``'s result.
    static func size(of rows: [StagedRow]) -> Int {
        let rowsSize = rows.reduce(0) { $0 + rowSize($1) }
        return prefix.count + suffix.count + rowsSize - (rows.isEmpty ? 0 : 1)
    }

    /// The size of a body holding only `row`.
    static func singleRowSize(_ row: StagedRow) -> Int {
        prefix.count + suffix.count + rowSize(row) - 1
    }
}
