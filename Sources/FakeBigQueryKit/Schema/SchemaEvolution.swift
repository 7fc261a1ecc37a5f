/// The rules `tables.patch` applies to a schema change (https://cloud.google.com/bigquery/docs/managing-table-schemas).
///
/// Allowed: new NULLABLE or REPEATED columns after all existing ones (also inside RECORDs), and relaxing
/// REQUIRED to NULLABLE. Rejected with 400 `invalid`: dropping, retyping or tightening a column, adding a
/// REQUIRED column, or inserting a new column between existing ones.
enum SchemaEvolution {
    /// Checks `proposed` against `current` for the table named `tableName` (`project:dataset.table`).
    static func check(current: [FieldSchema], proposed: [FieldSchema], tableName: String) -> GoogleError? {
        let prefix = "Provided Schema does not match Table \(tableName)."
        return check(current: current, proposed: proposed, path: "", prefix: prefix)
    }

    private static func check(
        current: [FieldSchema],
        proposed: [FieldSchema],
        path: String,
        prefix: String
    )
        -> GoogleError?
    {
        var proposedByName: [String: (offset: Int, field: FieldSchema)] = [:]
        for (offset, field) in proposed.enumerated() { proposedByName[field.name.lowercased()] = (offset, field) }
        for (offset, old) in current.enumerated() {
            let fullName = path + old.name
            guard let match = proposedByName[old.name.lowercased()] else {
                return .invalid("\(prefix) Field \(fullName) is missing in new schema")
            }
            let new = match.field
            if new.type != old.type {
                return .invalid("\(prefix) Field \(fullName) has changed type from \(old.type) to \(new.type)")
            }
            if new.mode != old.mode && !(old.mode == .required && new.mode == .nullable) {
                return .invalid(
                    "\(prefix) Field \(fullName) has changed mode from \(old.mode.rawValue) to \(new.mode.rawValue)"
                )
            }
            if match.offset != offset {
                return .invalid(
                    "\(prefix) Field \(fullName) has moved from position \(offset) to \(match.offset); "
                        + "new columns must be added at the end of the schema"
                )
            }
            if old.type == "RECORD",
                let error = check(current: old.fields, proposed: new.fields, path: fullName + ".", prefix: prefix)
            {
                return error
            }
        }
        for added in proposed.dropFirst(current.count) where added.mode == .required {
            return .invalid(
                "\(prefix) Cannot add required columns to an existing schema. (field: \(path + added.name))"
            )
        }
        return nil
    }
}
