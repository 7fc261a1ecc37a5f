import Common
import Extract
import Operator

/// `check`'s SYSPRO half: log on with the stored credentials and read what the service offers.
enum CheckPipeline {
    static func syspro(_ context: RunContext, company: String) -> Pipeline.CheckResult {
        let name = "SYSPRO \(context.configuration.syspro.source.rawValue) company \(company)"
        do throws(any Error) {
            let source = try ExtractPipeline.makeSource(context, company: company)
            let detail: String
            if let odata = source as? ODataSource {
                detail = try odata.check(company: company)
            } else if let enet = source as? ENetSource {
                detail = try enet.check(company: company)
            } else {
                detail = "reachable"
            }
            return Pipeline.CheckResult(name: name, passed: true, detail: detail)
        } catch {
            let failure = Pipeline.classify(error, doing: "checking \(name)")
            return Pipeline.CheckResult(name: name, passed: false, detail: failure.detailedDescription)
        }
    }
}
