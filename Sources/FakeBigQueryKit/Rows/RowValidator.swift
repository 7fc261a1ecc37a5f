/// Checks one row (a JSON object) against a table schema the way BigQuery's insertAll and JSON loads do.
///
/// Pure and `Sendable`. Values are never converted: a row that passes is stored exactly as received
/// (minus unknown fields when `ignoreUnknownValues` is set).
struct RowValidator: Sendable {
    /// One problem with one row, as an `insertErrors[].errors[]` item reports it.
    struct Problem: Sendable, Hashable {
        let location: String
        let message: String
    }

    /// Every problem found in one row.
    struct Rejection: Error, Sendable {
        let problems: [Problem]
    }

    let fields: [FieldSchema]
    let ignoreUnknownValues: Bool
    /// Top-level fields by lower-cased name, built once per request rather than once per row.
    private let topLevel: [String: FieldSchema]

    init(fields: [FieldSchema], ignoreUnknownValues: Bool) {
        self.fields = fields
        self.ignoreUnknownValues = ignoreUnknownValues
        self.topLevel = Self.index(fields)
    }

    private static func index(_ fields: [FieldSchema]) -> [String: FieldSchema] {
        Dictionary(fields.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Returns the row to store, or every problem found in it.
    func validate(_ row: JSONValue) -> Result<JSONValue, Rejection> {
        guard case .object = row else {
            return .failure(
                Rejection(problems: [Problem(location: "", message: "Row is not a JSON object: \(row.typeName).")])
            )
        }
        var problems: [Problem] = []
        let stored = check(record: row, fields: fields, path: "", problems: &problems)
        return problems.isEmpty ? .success(stored) : .failure(Rejection(problems: problems))
    }

    private func check(
        record: JSONValue,
        fields: [FieldSchema],
        path: String,
        problems: inout [Problem]
    )
        -> JSONValue
    {
        let members = record.objectMembers ?? []
        let byName = path.isEmpty ? topLevel : Self.index(fields)
        var kept: [JSONMember] = []
        var present: Set<String> = []
        for member in members {
            let location = path + member.key
            guard let field = byName[member.key.lowercased()] else {
                if !ignoreUnknownValues {
                    problems.append(Problem(location: location, message: "no such field: \(location)."))
                }
                continue
            }
            present.insert(field.name.lowercased())
            kept.append(
                JSONMember(
                    member.key,
                    check(value: member.value, field: field, location: location, problems: &problems)
                )
            )
        }
        for field in fields where field.mode == .required && !present.contains(field.name.lowercased()) {
            problems.append(
                Problem(location: path + field.name, message: "Missing required field: \(path + field.name).")
            )
        }
        return .object(kept)
    }

    private func check(
        value: JSONValue,
        field: FieldSchema,
        location: String,
        problems: inout [Problem]
    )
        -> JSONValue
    {
        if case .null = value {
            if field.mode == .required {
                problems.append(Problem(location: location, message: "Missing required field: \(location)."))
            }
            return value
        }
        if field.mode == .repeated {
            guard let elements = value.arrayElements else {
                problems.append(
                    Problem(
                        location: location,
                        message: "Repeated field must be imported as a JSON array. Field: \(location)."
                    )
                )
                return value
            }
            return .array(
                elements.map { checkScalarOrRecord($0, field: field, location: location, problems: &problems) }
            )
        }
        if case .array = value {
            problems.append(
                Problem(location: location, message: "Array specified for non-repeated field: \(location).")
            )
            return value
        }
        return checkScalarOrRecord(value, field: field, location: location, problems: &problems)
    }

    private func checkScalarOrRecord(
        _ value: JSONValue,
        field: FieldSchema,
        location: String,
        problems: inout [Problem]
    ) -> JSONValue {
        if field.type == "RECORD" {
            guard case .object = value else {
                problems.append(
                    Problem(location: location, message: "This field: \(location) is not a record.")
                )
                return value
            }
            return check(record: value, fields: field.fields, path: location + ".", problems: &problems)
        }
        if let message = Self.scalarProblem(value, type: field.type) {
            problems.append(Problem(location: location, message: message))
        }
        return value
    }

    /// The message BigQuery gives when `value` cannot be read as `type`, or `nil` when it can.
    static func scalarProblem(_ value: JSONValue, type: String) -> String? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        case .bool(let flag): text = flag ? "true" : "false"
        case .null: return nil
        case .array, .object:
            return type == "JSON" ? nil : "Cannot convert a JSON \(value.typeName) to \(type): \(value.rendered)"
        }
        let isBool = if case .bool = value { true } else { false }
        switch type {
        case "STRING", "GEOGRAPHY", "JSON", "RANGE":
            return nil
        case "BYTES":
            return value.stringValue.map(ScalarSyntax.isBase64) == true ? nil : "Could not decode base64 bytes: \(text)"
        case "INTEGER":
            return !isBool && ScalarSyntax.isInt64(text) ? nil : "Cannot convert value to integer (bad value): \(text)"
        case "FLOAT":
            return !isBool && ScalarSyntax.isFloat(text)
                ? nil : "Cannot convert value to floating point (bad value): \(text)"
        case "NUMERIC":
            return !isBool && ScalarSyntax.isDecimal(text, integerDigits: 29, fractionDigits: 9)
                ? nil : "Invalid NUMERIC value: \(text)"
        case "BIGNUMERIC":
            return !isBool && ScalarSyntax.isDecimal(text, integerDigits: 38, fractionDigits: 38)
                ? nil : "Invalid BIGNUMERIC value: \(text)"
        case "BOOLEAN":
            return isBool || ["true", "false", "1", "0"].contains(text.lowercased())
                ? nil : "Cannot convert value to boolean: \(text)"
        case "DATE":
            return value.stringValue.map(ScalarSyntax.isDate) == true ? nil : "Invalid date: \(text)"
        case "TIME":
            return value.stringValue.map(ScalarSyntax.isTime) == true ? nil : "Invalid time: \(text)"
        case "DATETIME":
            return value.stringValue.map(ScalarSyntax.isDateTime) == true ? nil : "Invalid datetime: \(text)"
        case "TIMESTAMP":
            // A number is read as epoch seconds by BigQuery; a string must be RFC 3339 or `… UTC`.
            if case .number = value { return ScalarSyntax.isFloat(text) ? nil : "Invalid timestamp: \(text)" }
            return value.stringValue.map(ScalarSyntax.isTimestamp) == true ? nil : "Invalid timestamp: \(text)"
        default:
            return "Unsupported column type \(type)"
        }
    }
}
