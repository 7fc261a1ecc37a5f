import Common
import Extract
import Logging
import Operator
import Reconcile

/// Reads SYSPRO's own GL period balances (`GenHistory`, ``Extract/Catalog/glHistory``) for `reconcile`, through the
/// same OData or e.net source and stored credentials as `extract`, as a snapshot: nothing is staged.
enum SysproGLHistory {
    /// All GenHistory rows of `company`, as period movements per account.
    /// - Throws: the source's errors (credentials, HTTP, a missing entity set), or `.invalidData` for a balance that
    ///   is not decimal text.
    static func read(_ context: RunContext, company: String) throws -> SysproPeriodBalances {
        let source = try ExtractPipeline.makeSource(context, company: company)
        let resolved = try source.resolve(Catalog.glHistory, company: company)
        let code = resolved.entry.keyColumns.firstIndex(of: "GlCode")
        let year = resolved.entry.keyColumns.firstIndex(of: "GlYear")
        let columns = resolved.entry.amountColumns
        guard let code, let year, columns.first == "BeginYearBalance" else {
            throw SysproBQError(
                .configuration,
                "GenHistory resolved without GlCode, GlYear or BeginYearBalance (keys \(resolved.entry.keyColumns))",
                disposition: .needsHuman
            )
        }
        var balances = SysproPeriodBalances()
        var rows = 0
        _ = try source.read(ExtractQuery(company: company, entry: resolved.entry, window: .snapshot)) { page, _ in
            for row in page {
                try balances.add(
                    glCode: row.keyValues[code],
                    year: row.keyValues[year],
                    beginYearBalance: row.amounts[0],
                    closingBalances: Array(row.amounts.dropFirst())
                )
            }
            rows += page.count
        }
        context.logger.info(
            "Read SYSPRO GL period balances",
            metadata: ["odata.company": "\(company)", "odata.entity": "GenHistory", "rows": "\(rows)"]
        )
        return balances
    }
}
