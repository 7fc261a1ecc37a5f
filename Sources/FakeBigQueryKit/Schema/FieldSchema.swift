/// One column of a BigQuery table schema (`TableFieldSchema` in the REST reference).
///
/// Types are stored in the legacy spelling that `tables.get` returns (`INTEGER`, `FLOAT`, `BOOLEAN`,
/// `RECORD`), whatever spelling the client sent. A value type; `Sendable`.
struct FieldSchema: Sendable, Hashable {
    enum Mode: String, Sendable, Hashable {
        case nullable = "NULLABLE"
        case required = "REQUIRED"
        case repeated = "REPEATED"
    }

    let name: String
    let type: String
    let mode: Mode
    let fields: [FieldSchema]
    let description: String?

    /// Standard SQL aliases mapped to the legacy names the API reports
    /// (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TableFieldSchema).
    static let typeAliases: [String: String] = [
        "STRING": "STRING", "BYTES": "BYTES", "INTEGER": "INTEGER", "INT64": "INTEGER", "FLOAT": "FLOAT",
        "FLOAT64": "FLOAT", "BOOLEAN": "BOOLEAN", "BOOL": "BOOLEAN", "TIMESTAMP": "TIMESTAMP", "DATE": "DATE",
        "TIME": "TIME", "DATETIME": "DATETIME", "GEOGRAPHY": "GEOGRAPHY", "NUMERIC": "NUMERIC",
        "BIGNUMERIC": "BIGNUMERIC", "JSON": "JSON", "RECORD": "RECORD", "STRUCT": "RECORD", "RANGE": "RANGE",
    ]

    /// The `{"name":…,"type":…,"mode":…}` object `tables.get` returns.
    var json: JSONValue {
        .object([
            ("name", .string(name)),
            ("type", .string(type)),
            ("mode", .string(mode.rawValue)),
            ("fields", fields.isEmpty ? nil : .array(fields.map(\.json))),
            ("description", description.map { .string($0) }),
        ])
    }

    /// Whether `name` is a legal column name: letters, digits and `_`, not starting with a digit,
    /// at most 300 characters.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 300 else { return false }
        guard first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar)
        }
    }
}

/// Parses and validates `schema.fields` from a request body.
enum SchemaParser {
    /// Reads a `fields` array, answering the 400 message BigQuery gives for the first problem found.
    static func parseFields(_ value: JSONValue?, path: String = "") -> Result<[FieldSchema], GoogleError> {
        guard let elements = value?.arrayElements else {
            return .failure(.invalid("Schema field list is missing or is not an array."))
        }
        var fields: [FieldSchema] = []
        var seen: Set<String> = []
        for element in elements {
            switch parseField(element, path: path) {
            case .failure(let error): return .failure(error)
            case .success(let field):
                guard seen.insert(field.name.lowercased()).inserted else {
                    return .failure(.invalid("Field \(path)\(field.name) already exists in schema"))
                }
                fields.append(field)
            }
        }
        return .success(fields)
    }

    private static func parseField(_ value: JSONValue, path: String) -> Result<FieldSchema, GoogleError> {
        guard let name = value["name"]?.stringValue else {
            return .failure(.invalid("Empty name for field in schema: \(value.rendered)"))
        }
        guard FieldSchema.isValidName(name) else {
            return .failure(
                .invalid(
                    "Invalid field name \"\(name)\". Fields must contain only letters, numbers, and underscores, "
                        + "start with a letter or underscore, and be at most 300 characters long."
                )
            )
        }
        let sentType = (value["type"]?.stringValue ?? "").uppercased()
        guard let type = FieldSchema.typeAliases[sentType] else {
            return .failure(.invalid("Invalid value for type: \(sentType) is not a valid value"))
        }
        let sentMode = (value["mode"]?.stringValue ?? "NULLABLE").uppercased()
        guard let mode = FieldSchema.Mode(rawValue: sentMode) else {
            return .failure(.invalid("Invalid value for mode: \(sentMode) is not a valid value"))
        }
        var nested: [FieldSchema] = []
        if type == "RECORD" {
            guard let nestedValue = value["fields"], !(nestedValue.arrayElements ?? []).isEmpty else {
                return .failure(.invalid("Field \(path)\(name) is type RECORD but has no schema"))
            }
            switch parseFields(nestedValue, path: "\(path)\(name).") {
            case .failure(let error): return .failure(error)
            case .success(let fields): nested = fields
            }
        } else if let nestedValue = value["fields"], !(nestedValue.arrayElements ?? []).isEmpty {
            return .failure(.invalid("Field \(path)\(name) is type \(type) but has subfields"))
        }
        return .success(
            FieldSchema(
                name: name,
                type: type,
                mode: mode,
                fields: nested,
                description: value["description"]?.stringValue
            )
        )
    }
}
