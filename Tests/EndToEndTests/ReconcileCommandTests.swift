import Common
import Foundation
import Testing

extension EndToEnd {
    /// `syspro-bq reconcile` after extract and load into bqemulator exits 0 with SYSPRO's own GL balances checked;
    /// once a row is deleted in BigQuery it exits 65 (data error) and its JSON names the table, the segment, the
    /// row's key and the difference.
    @Test(.timeLimit(.minutes(5)))
    func reconcileCommandPassesThenFailsOnADeletedRow() throws {
        _ = try Paths.venvPython()
        let rig = try Rig("reconcile", Rig.Options(bigQuery: .emulator))
        defer { rig.remove() }
        try rig.extract()
        try rig.load()

        let clean = try rig.command(["reconcile", "--json"])
        #expect(clean.status == 0, "\(clean)")
        let passed = try Self.findings(clean)
        #expect(passed.contains { $0["check"] as? String == "syspro-balance" && $0["passed"] as? Bool == true })

        let emulator = "http://127.0.0.1:\(rig.emulatorPort)/bigquery/v2/projects/\(Rig.project)/queries"
        let delete = "DELETE FROM `\(Rig.project).\(Rig.dataset).ApInvoice` WHERE _segment = 1 AND _line = 0"
        let body = try JSONSerialization.data(withJSONObject: ["query": delete, "useLegacySql": false])
        let response = try CurlHTTPClient().perform(
            HTTPRequest(
                method: .post,
                url: emulator,
                headers: [HTTPHeader("Content-Type", "application/json")],
                body: .bytes(Array(body)),
                totalTimeout: 60
            )
        )
        #expect(response.status == 200, "\(response.bodyExcerpt())")

        let broken = try rig.command(["reconcile", "--json"])
        #expect(broken.status == 65, "\(broken)")
        let failed = try Self.findings(broken).filter { $0["passed"] as? Bool == false }
        #expect(
            failed.contains {
                $0["table"] as? String == "ApInvoice" && $0["check"] as? String == "row-count"
                    && $0["segments"] as? [Int] == [1] && $0["difference"] as? String == "-1"
            },
            "\(failed)"
        )
        #expect(failed.contains { $0["table"] as? String == "ApInvoice" && $0["key"] is String }, "\(failed)")
    }

    /// The findings of `reconcile --json`.
    static func findings(_ result: CommandResult) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["findings"] as? [[String: Any]] ?? []
    }
}
