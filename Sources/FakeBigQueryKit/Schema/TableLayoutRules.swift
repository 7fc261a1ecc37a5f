/// Checks on a table's partitioning and clustering that bqemulator accepts but BigQuery refuses
/// (bigquery.md A3, B3).
enum TableLayoutRules {
    /// At most four clustering columns (https://cloud.google.com/bigquery/docs/creating-clustered-tables).
    static let maximumClusteringFields = 4

    /// Returns the 400 BigQuery gives for `body`'s `timePartitioning`, `rangePartitioning` or `clustering`,
    /// or `nil` when they are acceptable.
    static func check(_ body: JSONValue, fields: [FieldSchema]) -> GoogleError? {
        let byName = Dictionary(fields.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        if body["timePartitioning"] != nil && body["rangePartitioning"] != nil {
            return .invalid("Cannot specify both time partitioning and range partitioning.")
        }
        if let time = body["timePartitioning"] {
            let type = time["type"]?.stringValue ?? "DAY"
            guard ["DAY", "HOUR", "MONTH", "YEAR"].contains(type) else {
                return .invalid("Invalid value for timePartitioning.type: \(type) is not a valid value")
            }
            if let name = time["field"]?.stringValue {
                guard let field = byName[name.lowercased()], field.mode != .repeated else {
                    return .invalid("The field specified for partitioning cannot be found in the schema")
                }
                guard ["TIMESTAMP", "DATE", "DATETIME"].contains(field.type) else {
                    return .invalid(
                        "The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. "
                            + "The type found is: \(field.type)."
                    )
                }
            }
        }
        if let range = body["rangePartitioning"] {
            let name = range["field"]?.stringValue ?? ""
            guard let field = byName[name.lowercased()], field.type == "INTEGER", field.mode != .repeated else {
                return .invalid("The field specified for range partitioning must be a top-level INT64 column")
            }
        }
        if let clustering = body["clustering"]?["fields"]?.arrayElements {
            guard clustering.count <= maximumClusteringFields else {
                return .invalid(
                    "Too many clustering fields: \(clustering.count). Only \(maximumClusteringFields) clustering "
                        + "fields are allowed."
                )
            }
            for name in clustering.compactMap(\.stringValue) {
                guard let field = byName[name.lowercased()], field.mode != .repeated else {
                    return .invalid("The field specified for clustering cannot be found in the schema: \(name)")
                }
            }
        }
        return nil
    }
}
