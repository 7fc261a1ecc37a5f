import Common
import Logging

extension LoadRunner {
    /// Creates (or updates) the analytic views of ``AnalyticsViewSQL/definitions`` whose tables were loaded with
    /// the columns they read; a view whose table is absent or lacks a column is skipped with a notice.
    ///
    /// - Returns: one failure per view that could not be created (the rows are loaded; only the view is missing).
    /// - Throws: a credentials error, which stops the run like any other.
    func ensureAnalyticsViews(layouts: [String: RawTableLayout], tables: TableManager) throws -> [LoadSummary.Failure] {
        var failures: [LoadSummary.Failure] = []
        for view in AnalyticsViewSQL.definitions {
            var references: [String: String] = [:]
            for (table, columns) in view.reads {
                guard let layout = layouts[table] else { break }
                let present = Set(layout.sourceColumns.map(\.name))
                guard columns.allSatisfy(present.contains) else {
                    logger.notice(
                        "Table lacks a column an analytic view reads; view not created",
                        metadata: ["bq.view": "\(view.name)", "table": "\(table)"]
                    )
                    break
                }
                references[table] = ViewSQL.tableReference(
                    project: configuration.projectID,
                    dataset: configuration.datasetID,
                    table: layout.tableID + "_current"
                )
            }
            guard references.count == view.reads.count else { continue }
            let name = configuration.tablePrefix + view.name
            do {
                try tables.ensureView(name, query: view.query(references))
            } catch let error as SysproBQError {
                if error.code == .credentials { throw error }
                logger.error("Creating an analytic view failed", metadata: ["bq.view": "\(name)", "error": "\(error)"])
                failures.append(.init(table: name, stream: nil, error: error))
            }
        }
        return failures
    }
}
