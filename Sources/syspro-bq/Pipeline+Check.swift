import Common
import Extract
import Foundation
import Operator

/// `check`'s SYSPRO half: log on with the stored credentials, read what the service offers, and read one row of
/// every enabled table, so a wrong service root, a refused logon or a table the operator may not read fails
/// here rather than in the first scheduled extract.
enum CheckPipeline {
    static func syspro(_ context: RunContext, company: String) -> [Pipeline.CheckResult] {
        let name = "SYSPRO \(context.configuration.syspro.source.rawValue) company \(company)"
        let source: any SourceReader
        let detail: String
        do throws(any Error) {
            source = try ExtractPipeline.makeSource(context, company: company)
            if let odata = source as? ODataSource {
                detail = try odata.check(company: company)
            } else if let enet = source as? ENetSource {
                detail = try enet.check(company: company)
            } else {
                throw SysproBQError(.internalError, "unknown SYSPRO source \(source)", disposition: .terminal)
            }
        } catch {
            return [.failed(name, Pipeline.classify(error, doing: "checking \(name)"))]
        }
        var tableRow = tables(context, source, company)
        // ODataSource.check reports a service without $metadata (HTTP 404) as reached: that is no proof of the
        // logon, so no row passes on it; the table reads below are the proof.
        guard !detail.hasSuffix("(no $metadata)") else {
            if case .passed = tableRow.outcome { tableRow.detail += "; the service answers no $metadata" }
            return [tableRow]
        }
        return [Pipeline.CheckResult(name: name, outcome: .passed, detail: detail), tableRow]
    }

    /// Thrown from `onPage` to stop a probe after its first page.
    private struct FirstPageRead: Error {}

    /// Resolves every enabled table and reads one page of one row from it.
    private static func tables(
        _ context: RunContext,
        _ source: any SourceReader,
        _ company: String
    ) -> Pipeline.CheckResult {
        let name = "SYSPRO tables for company \(company)"
        var table = ""
        do throws(any Error) {
            let catalog = try PipelineCatalog.make(context.configuration)
            let tables = PipelineCatalog.selectedTables(context.configuration, catalog: catalog, requested: [])
            for selected in tables {
                table = selected
                let resolved = try source.resolve(try catalog.entry(for: selected), company: company)
                let window: ExtractQuery.Window
                switch resolved.strategy {
                case .rowVersion: window = .rowVersion(after: nil)
                case .businessDate: window = .businessDate(from: "1900-01-01", through: nil)
                case .snapshot: window = .snapshot
                }
                do {
                    _ = try source.read(
                        ExtractQuery(company: company, entry: resolved.entry, window: window, pageSize: 1)
                    ) { _, _ in throw FirstPageRead() }
                } catch is FirstPageRead {
                    continue
                }
            }
            return Pipeline.CheckResult(
                name: name,
                outcome: .passed,
                detail: "\(tables.count) tables readable (\(tables.joined(separator: ", ")))"
            )
        } catch {
            return .failed(name, Pipeline.classify(error, doing: "reading one row of \(table) for company \(company)"))
        }
    }
}

extension Pipeline.CheckResult {
    static func failed(_ name: String, _ error: SysproBQError) -> Pipeline.CheckResult {
        Pipeline.CheckResult(name: name, outcome: .failed(error), detail: error.detailedDescription)
    }
}
