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
            try LoadPipeline.makeRunner(context, log: log).check()
            return [tokenRow, Pipeline.CheckResult(name: name, outcome: .passed, detail: "exists and is readable")]
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
}
