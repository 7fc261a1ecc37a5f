public import Load

/// Creates the analytic views (AP and AR aging, PO commitments) beside the tables Load maintains.
///
/// Load exposes no public view creator (its `TableManager` is internal), so the views are created with a
/// `CREATE OR REPLACE VIEW` DDL statement through `jobs.query`, which BigQuery runs like `tables.insert` with a
/// `view`; replacing makes the call idempotent. Each view is created only when the tables it reads were loaded.
public enum AnalyticsViews {
    /// One view: its name (prefixed) and the DDL that creates it.
    public struct Definition: Sendable, Hashable {
        public let name: String
        public let requires: [String]
        public let sql: String
    }

    /// The definitions for `scope`, aging measured at `asOf` (`YYYY-MM-DD`) or at the query's current date.
    public static func definitions(scope: ReconcileScope, asOf: String? = nil) -> [Definition] {
        func ddl(_ name: String, _ select: String) -> String {
            "CREATE OR REPLACE VIEW \(scope.reference(name)) AS \(select)"
        }
        return [
            Definition(
                name: scope.tablePrefix + AnalyticsViewSQL.apAging,
                requires: ["ApInvoice"],
                sql: ddl(
                    AnalyticsViewSQL.apAging,
                    AnalyticsViewSQL.apAging(invoices: scope.reference("ApInvoice_current"), asOf: asOf)
                )
            ),
            Definition(
                name: scope.tablePrefix + AnalyticsViewSQL.arAging,
                requires: ["ArInvoice"],
                sql: ddl(
                    AnalyticsViewSQL.arAging,
                    AnalyticsViewSQL.arAging(invoices: scope.reference("ArInvoice_current"), asOf: asOf)
                )
            ),
            Definition(
                name: scope.tablePrefix + AnalyticsViewSQL.poCommitments,
                requires: ["PorMasterDetail", "PorMasterHdr"],
                sql: ddl(
                    AnalyticsViewSQL.poCommitments,
                    AnalyticsViewSQL.poCommitments(
                        details: scope.reference("PorMasterDetail_current"),
                        headers: scope.reference("PorMasterHdr_current")
                    )
                )
            ),
        ]
    }

    /// Creates the views whose source tables are among `loadedTables`; returns the names created.
    public static func create(
        scope: ReconcileScope,
        loadedTables: Set<String>,
        asOf: String? = nil,
        query: (QueryRequest) throws -> QueryResult
    ) throws -> [String] {
        var created: [String] = []
        for definition in definitions(scope: scope, asOf: asOf)
        where definition.requires.allSatisfy(loadedTables.contains) {
            _ = try query(QueryRequest(sql: definition.sql))
            created.append(definition.name)
        }
        return created
    }
}
