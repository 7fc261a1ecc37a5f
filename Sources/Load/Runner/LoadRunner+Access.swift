import Common

/// What the service account may do with one raw table, as `tables.testIamPermissions` reports it.
public struct TableAccess: Sendable, Hashable {
    /// The BigQuery table id (`table_prefix` + SYSPRO table).
    public let tableID: String
    /// Whether the table exists yet (a first load creates it).
    public let exists: Bool
    /// The permissions load needs that the account lacks; empty when it has them all.
    public let missing: [String]
    /// Whether the service answered `testIamPermissions` at all (emulators may not).
    public let testable: Bool
}

extension LoadRunner {
    /// The table permissions a load needs: read the table and its schema, add columns, append rows.
    public static let loadPermissions = [
        "bigquery.tables.get", "bigquery.tables.getData", "bigquery.tables.update", "bigquery.tables.updateData",
    ]

    /// For each SYSPRO table in `tables`, whether its raw table exists and which load permissions the account
    /// lacks on it (`tables.get`, then `tables.testIamPermissions`; one request each, nothing is written).
    ///
    /// testIamPermissions is meant for permission-aware tools and may "fail open" (BigQuery's documentation),
    /// so a pass here is evidence, not proof; a missing permission it reports is real.
    /// - Throws: `SysproBQError` for a failure other than a missing table or an unsupported method.
    public func tableAccess(_ tables: [String]) throws -> [TableAccess] {
        let client = try makeClient()
        return try tables.map { table in
            let id = configuration.rawTableID(forTable: table)
            let url = client.paths.tableURL(id)
            let found = try client.call(client.jsonRequest(.get, url), operation: "read table \(id)", accept: [404])
            guard found.status != 404 else {
                return TableAccess(tableID: id, exists: false, missing: [], testable: true)
            }
            let body = JSONValue.object([JSONMember("permissions", .array(Self.loadPermissions.map { .string($0) }))])
            let answer = try client.call(
                client.jsonRequest(.post, url + ":testIamPermissions", body: body),
                operation: "test permissions on table \(id)",
                accept: [400, 404, 405, 501]
            )
            guard (200..<300).contains(answer.status) else {
                return TableAccess(tableID: id, exists: true, missing: [], testable: false)
            }
            let document = try JSONDocument.parse(answer.body, context: "testIamPermissions answer for \(id)")
            let granted = Set(document["permissions"].array.compactMap(\.string))
            return TableAccess(
                tableID: id,
                exists: true,
                missing: Self.loadPermissions.filter { !granted.contains($0) },
                testable: true
            )
        }
    }
}
