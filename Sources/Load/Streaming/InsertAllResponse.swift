/// Reads a 200 insertAll answer and sorts the batch's rows into acknowledged, rejected and to-be-resent.
///
/// With `skipInvalidRows:false` a batch with one bad row inserts nothing: the bad row comes back with reason
/// `invalid`, every other row with `stopped` (fluent-plugin-bigquery PR #38; snowplow #320). So `invalid` rows are
/// quarantined and every other listed row is resent with the same insertId. When any row failed, rows the answer
/// does not list are resent too: resending costs at most a duplicate that the current-state view absorbs,
/// while assuming them inserted could lose them.
struct InsertAllOutcome: Equatable {
    var acknowledged: [StagedRow] = []
    var rejected: [Rejection] = []
    var resend: [StagedRow] = []

    struct Rejection: Equatable {
        let row: StagedRow
        let reason: String
    }

    /// Sorts `rows` (the batch as sent, in order) by the answer `body`.
    static func read(rows: [StagedRow], body: [UInt8]) -> InsertAllOutcome {
        let errors = JSONDocument.lenient(body)["insertErrors"].array
        var outcome = InsertAllOutcome()
        guard !errors.isEmpty else {
            outcome.acknowledged = rows
            return outcome
        }
        var byIndex: [Int: [JSONDocument]] = [:]
        for entry in errors {
            guard let index = entry["index"].int, rows.indices.contains(index) else { continue }
            byIndex[index, default: []] += entry["errors"].array
        }
        for (index, row) in rows.enumerated() {
            let rowErrors = byIndex[index] ?? []
            if let invalid = rowErrors.first(where: { $0["reason"].string == "invalid" }) {
                outcome.rejected.append(Rejection(row: row, reason: describe(invalid)))
            } else {
                outcome.resend.append(row)
            }
        }
        return outcome
    }

    /// Whether a 2xx insertAll answer says every row was inserted: no `insertErrors`, or an empty list.
    static func isClean(_ body: [UInt8]) -> Bool {
        JSONDocument.lenient(body)["insertErrors"].array.isEmpty
    }

    /// `invalid at <location>: <message>`.
    static func describe(_ error: JSONDocument) -> String {
        var text = "BigQuery rejected the row (invalid"
        if let location = error["location"].string, !location.isEmpty { text += " at \(location)" }
        text += ")"
        if let message = error["message"].string, !message.isEmpty { text += ": \(message)" }
        return text
    }
}
