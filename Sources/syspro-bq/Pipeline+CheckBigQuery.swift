import Common
import Load
import Operator

/// `check`'s BigQuery half: a Google token for the stored service account, then the dataset.
///
/// Each row passes only on a 2xx answer. A dataset that answers 404 is shown as missing, not as a pass: the
/// first load creates it, but only if the account may create datasets, which `check` cannot see without
/// creating one. Any other error status (403 above all) fails with its remedy.
enum CheckBigQuery {
    static func rows(_ context: RunContext) -> [Pipeline.CheckResult] {
        let bigQuery = context.configuration.bigQuery
        let project = bigQuery.project ?? ""
        let dataset = bigQuery.dataset ?? ""
        var email = "the service account"
        do throws(any Error) {
            let configuration = try LoadPipeline.bigQueryConfiguration(context)
            let key = try ServiceAccountKey(
                json: try context.credentials.secret(.serviceAccount).withBytes { Array($0) }
            )
            email = key.clientEmail
            let authenticator = try ServiceAccountAuthenticator(
                key: key,
                configuration: configuration,
                clock: SystemClock()
            )
            _ = try authenticator.accessToken(using: try CurlHTTPClient(logger: context.logger))
        } catch {
            return [.failed("Google token for \(email)", Pipeline.classify(error, doing: "getting a Google token"))]
        }
        let tokenRow = Pipeline.CheckResult(
            name: "Google token for \(email)",
            outcome: .passed,
            detail: "issued by " + (bigQuery.tokenURI.map(Redaction.url) ?? "the key's token_uri")
        )
        let name = "BigQuery dataset \(project):\(dataset)"
        do throws(any Error) {
            let log = try Pipeline.openLog(context.configuration, logger: context.logger)
            let runner = try LoadPipeline.makeRunner(context, log: log)
            try runner.check()
            let datasetRow = Pipeline.CheckResult(name: name, outcome: .passed, detail: "exists and is readable")
            return [tokenRow, datasetRow, tablesRow(context, runner: runner)]
        } catch {
            let failure = Pipeline.classify(error, doing: "reading dataset \(project):\(dataset)")
            if case .http(404, _)? = failure.cause {
                return [
                    tokenRow,
                    Pipeline.CheckResult(
                        name: name,
                        outcome: .missing,
                        detail: "missing — load will create it; needs bigquery.datasets.create on project \(project) "
                            + "(BigQuery Data Editor or User on the project)"
                    ),
                ]
            }
            return [tokenRow, .failed(name, failure)]
        }
    }

    /// The raw tables of every enabled table: which exist, and whether the account may read, patch and append
    /// to them (`tables.testIamPermissions`). A missing permission fails with the role to grant.
    private static func tablesRow(_ context: RunContext, runner: LoadRunner) -> Pipeline.CheckResult {
        let dataset = "\(context.configuration.bigQuery.project ?? ""):\(context.configuration.bigQuery.dataset ?? "")"
        do throws(any Error) {
            let catalog = try PipelineCatalog.make(context.configuration)
            let tables = PipelineCatalog.selectedTables(context.configuration, catalog: catalog, requested: [])
            let name = "BigQuery tables in \(dataset) (\(tables.count))"
            let access = try runner.tableAccess(tables)
            let lacking = access.filter { !$0.missing.isEmpty }
            if !lacking.isEmpty {
                let list = lacking.prefix(4).map { "\($0.tableID) lacks \($0.missing.joined(separator: ", "))" }
                return .failed(
                    name,
                    SysproBQError(
                        .credentials,
                        "the service account may not load every table: " + list.joined(separator: "; ")
                            + (lacking.count > 4 ? "; and \(lacking.count - 4) more" : ""),
                        remedy: "grant the service account BigQuery Data Editor on dataset \(dataset) "
                            + "(roles/bigquery.dataEditor), or a custom role with \(LoadRunner.loadPermissions.joined(separator: ", "))",
                        disposition: .needsHuman
                    )
                )
            }
            let existing = access.filter(\.exists)
            let untested = existing.filter { !$0.testable }.count
            var detail = "\(existing.count) exist"
            if existing.count < access.count {
                detail +=
                    ", \(access.count - existing.count) not created yet (load creates them; needs bigquery.tables.create)"
            }
            if !existing.isEmpty {
                detail +=
                    untested == 0
                    ? "; every load permission granted" : "; \(untested) not testable here (no testIamPermissions)"
            }
            let complete = existing.count == access.count && untested == 0
            return Pipeline.CheckResult(name: name, outcome: complete ? .passed : .missing, detail: detail)
        } catch {
            return .failed("BigQuery tables in \(dataset)", Pipeline.classify(error, doing: "checking table access"))
        }
    }
}
