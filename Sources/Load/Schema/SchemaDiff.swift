public import Common

/// Compares an existing table's schema with the one the staged rows need, and says what to do.
///
/// BigQuery lets `tables.patch` add NULLABLE columns at the end; it cannot retype or drop a column through the
/// API (https://cloud.google.com/bigquery/docs/managing-table-schemas). So new columns become a patch with the
/// full field list, and a type change or a vanished column stops the stream with an error that names the column.
/// Column names compare case-insensitively, as BigQuery does.
public enum SchemaDiff: Sendable, Hashable {
    /// Nothing to do.
    case unchanged
    /// Send `tables.patch` with this full field list: the existing fields in order, then the new ones.
    case addColumns(fullList: [TableField], added: [TableField])

    /// Decides the change from `existing` (as tables.get returned it) to `desired`.
    /// - Parameter table: the table id, for messages.
    /// - Throws: a `.terminal` error for a type change or a dropped column.
    public static func compare(
        existing: [TableField],
        desired: [TableField],
        table: String
    ) throws(SysproBQError) -> SchemaDiff {
        let desiredByName = Dictionary(desired.map { ($0.name.lowercased(), $0) }) { first, _ in first }
        let existingNames = Set(existing.map { $0.name.lowercased() })
        for field in existing {
            guard let wanted = desiredByName[field.name.lowercased()] else {
                throw SysproBQError(
                    .invalidData,
                    "table \(table): column \(field.name) (\(field.type)) exists in BigQuery but is no longer in the "
                        + "staged schema",
                    remedy: "BigQuery cannot drop a column through the API: if the column was really removed in "
                        + "SYSPRO, run `ALTER TABLE \(table) DROP COLUMN \(field.name)` (or rebuild the table and "
                        + "replay), otherwise restore the column in the catalog",
                    disposition: .terminal
                )
            }
            let old = TableField.canonicalType(field.type)
            let new = TableField.canonicalType(wanted.type)
            if old != new {
                throw SysproBQError(
                    .invalidData,
                    "table \(table): column \(field.name) is \(old) in BigQuery but the staged rows need \(new)",
                    remedy: "BigQuery cannot change a column's type in place: rebuild the table (drop it and run "
                        + "`replay` over the full history), or add the new type under a new column name",
                    disposition: .terminal
                )
            }
        }
        let added = desired.filter { !existingNames.contains($0.name.lowercased()) }.map {
            // New columns must be NULLABLE: "You cannot add a REQUIRED column to an existing table schema."
            TableField(name: $0.name, type: $0.type, mode: .nullable)
        }
        if added.isEmpty { return .unchanged }
        return .addColumns(fullList: existing + added, added: added)
    }
}
