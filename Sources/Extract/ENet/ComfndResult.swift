import Common

/// Reads the rows of a COMFND answer (syspro.md §2.3–2.4) into ``RawRow`` values.
///
/// The answer is `<{Table} …><HeaderDetails>…</HeaderDetails><Row><Col>value</Col>…</Row>…
/// <RowsReturned>      1</RowsReturned></{Table}>`. Element names are matched without case. Values are
/// cleaned by column type, following §2.3:
/// - strings are kept exactly, leading and trailing spaces included (keys are padded);
/// - numbers prefer an `Unedited_X` twin, are trimmed, and lose thousands separators (`38,400.000`); an empty
///   number is NULL;
/// - dates are trimmed; empty and `0000-00-00` are NULL; `yyyy/MM/dd` is accepted.
/// A column with no element at all is left absent (NULL, or an error for a key column).
enum ComfndResult {
    /// Calls `onRow` for each `<Row>` and returns the row count and the `RowsReturned` value.
    static func readRows(
        _ root: XMLTree.Element,
        entry: CatalogEntry,
        raw: inout RawRow,
        onRow: (RawRow) throws -> Void
    ) throws -> (rows: Int, rowsReturned: Int?) {
        var count = 0
        let columns = entry.columns
        for row in root.children where row.localName.caseInsensitiveEquals("Row") {
            raw.reset()
            for (index, column) in columns.enumerated() where !column.isRowVersion {
                let isNumber: Bool
                switch column.sqlType {
                case .decimal, .integer, .bit: isNumber = true
                default: isNumber = false
                }
                let element = (isNumber ? row.child("Unedited_" + column.name) : nil) ?? row.child(column.name)
                guard let element else { continue }
                switch column.sqlType {
                case .decimal, .integer, .bit:
                    let cleaned = element.text.trimmingSpaces().replacingAll(",", with: "")
                    if cleaned.isEmpty {
                        raw.set(index, kind: .null)
                    } else {
                        raw.set(index, text: cleaned, kind: .string)
                    }
                case .datetime, .date:
                    let trimmed = element.text.trimmingSpaces()
                    if trimmed.isEmpty || trimmed.hasPrefix("0000-00-00") || trimmed.hasPrefix("0000/00/00") {
                        raw.set(index, kind: .null)
                    } else {
                        raw.set(index, text: trimmed, kind: .string)
                    }
                case .char, .varchar, .nvarchar, .timestamp:
                    raw.set(index, text: element.text, kind: .string)
                }
            }
            count += 1
            try onRow(raw)
        }
        let returned = root.child("RowsReturned").flatMap { Int($0.text.trimmingSpaces()) }
        return (count, returned)
    }
}
