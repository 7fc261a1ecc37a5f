import Common
import Logging

/// Creates and evolves the dataset, the raw tables and the views.
///
/// Creation is idempotent: a 409 `duplicate` counts as success. An existing raw table is compared with the
/// staged schema (``SchemaDiff``): new columns are added with `tables.patch`, incompatible changes stop with an
/// error. An existing view gets its query replaced with `tables.patch`.
///
/// Thread-safety: not thread-safe; it uses one ``BigQueryClient``.
struct TableManager {
    let client: BigQueryClient

    private var paths: BigQueryPaths { client.paths }

    /// `datasets.insert`; 409 means it exists.
    func ensureDataset() throws {
        let request = client.jsonRequest(.post, paths.datasetsURL, body: paths.datasetBody)
        _ = try client.call(request, operation: "create dataset \(paths.dataset)", accept: [409])
    }

    /// What ``ensureRawTable(_:)`` did.
    enum TableChange: Equatable {
        case created
        case unchanged
        case addedColumns([String])
    }

    /// Creates the raw table, or brings an existing one up to the staged schema.
    /// - Throws: a terminal error naming the column for a type change or a dropped column.
    @discardableResult
    func ensureRawTable(_ layout: RawTableLayout) throws -> TableChange {
        let operation = "create table \(paths.dataset).\(layout.tableID)"
        let create = client.jsonRequest(.post, paths.tablesURL, body: try paths.rawTableBody(layout))
        let created = try client.call(create, operation: operation, accept: [409])
        if created.status != 409 {
            client.logger.info("Created raw table", metadata: ["bq.table": "\(layout.tableID)"])
            return .created
        }
        let get = client.jsonRequest(.get, paths.tableURL(layout.tableID))
        let existing = try client.call(get, operation: "read table \(paths.dataset).\(layout.tableID)")
        let fields = JSONDocument.lenient(existing.body)["schema"]["fields"].array.compactMap { field -> TableField? in
            guard let name = field["name"].string, let type = field["type"].string else { return nil }
            let mode = field["mode"].string.flatMap(TableField.Mode.init(rawValue:)) ?? .nullable
            return TableField(name: name, type: type, mode: mode)
        }
        switch try SchemaDiff.compare(existing: fields, desired: layout.fields, table: layout.tableID) {
        case .unchanged:
            return .unchanged
        case .addColumns(let fullList, let added):
            let patch = client.jsonRequest(
                .patch,
                paths.tableURL(layout.tableID),
                body: paths.schemaPatchBody(fullList)
            )
            _ = try client.call(patch, operation: "add columns to \(paths.dataset).\(layout.tableID)")
            client.logger.notice(
                "Added columns to raw table",
                metadata: [
                    "bq.table": "\(layout.tableID)", "bq.columns": "\(added.map(\.name).joined(separator: ","))",
                ]
            )
            return .addedColumns(added.map(\.name))
        }
    }

    /// Creates the view `name` with `query`, or replaces the query of an existing one.
    func ensureView(_ name: String, query: String) throws {
        let create = client.jsonRequest(.post, paths.tablesURL, body: paths.viewBody(name, query: query))
        let response = try client.call(create, operation: "create view \(paths.dataset).\(name)", accept: [409])
        guard response.status == 409 else { return }
        let patch = client.jsonRequest(.patch, paths.tableURL(name), body: paths.viewPatchBody(query: query))
        _ = try client.call(patch, operation: "update view \(paths.dataset).\(name)")
    }
}
