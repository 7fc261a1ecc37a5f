/// A dataset held by the fake.
struct StoredDataset: Sendable {
    let datasetId: String
    let location: String
    let creationTimeMs: Int64
    /// The request body, echoed back for fields the fake does not compute (labels, description, …).
    let resource: JSONValue
}

/// A table or view held by the fake, with its rows in insertion order.
struct StoredTable: Sendable {
    let datasetId: String
    let tableId: String
    var fields: [FieldSchema]
    /// The view's SQL, kept as text; views are never executed.
    let viewQuery: String?
    let creationTimeMs: Int64
    var lastModifiedTimeMs: Int64
    /// The request body, echoed back for fields the fake stores but does not interpret
    /// (timePartitioning, clustering, requirePartitionFilter, labels, description).
    var resource: JSONValue
    /// Each stored row as the compact JSON text of the object received (numbers as sent).
    var rows: [String] = []

    var isView: Bool { viewQuery != nil }

    /// Fields `tables.insert`/`tables.get` compute rather than echo.
    static let computedKeys: Set<String> = [
        "kind", "etag", "id", "selfLink", "tableReference", "schema", "numRows", "numBytes", "creationTime",
        "lastModifiedTime", "type", "location", "view",
    ]

    /// The `Table` resource `tables.get` returns.
    func json(project: String, location: String) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("kind", .string("bigquery#table")),
            JSONMember("etag", .string("\(tableId)-\(lastModifiedTimeMs)")),
            JSONMember("id", .string("\(project):\(datasetId).\(tableId)")),
            JSONMember(
                "tableReference",
                .object([
                    ("projectId", .string(project)), ("datasetId", .string(datasetId)), ("tableId", .string(tableId)),
                ])
            ),
            JSONMember("schema", .object([("fields", .array(fields.map(\.json)))])),
        ]
        if let viewQuery {
            members.append(
                JSONMember("view", .object([("query", .string(viewQuery)), ("useLegacySql", .bool(false))]))
            )
        } else {
            members.append(JSONMember("numRows", .int64String(rows.count)))
            members.append(JSONMember("numBytes", .int64String(rows.reduce(0) { $0 + $1.utf8.count })))
        }
        members.append(JSONMember("creationTime", .string(String(creationTimeMs))))
        members.append(JSONMember("lastModifiedTime", .string(String(lastModifiedTimeMs))))
        members.append(JSONMember("type", .string(isView ? "VIEW" : "TABLE")))
        members.append(JSONMember("location", .string(location)))
        for member in resource.objectMembers ?? [] where !Self.computedKeys.contains(member.key) {
            members.append(member)
        }
        return .object(members)
    }
}

/// Identifies a table inside the fake's one project.
struct TableKey: Sendable, Hashable, CustomStringConvertible {
    let datasetId: String
    let tableId: String

    var description: String { "\(datasetId).\(tableId)" }
}
