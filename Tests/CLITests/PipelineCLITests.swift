import Common
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built binary against syspro-sim and fake-bigquery on 127.0.0.1, started by the end-to-end rig
/// (Tests/CLITests/Support is Tests/EndToEndTests/Support, shared rather than copied).
@Suite("CLI against syspro-sim and fake-bigquery", .serialized)
struct PipelineCLITests {
    static let tables = ["--table", "ApInvoice", "--table", "ArCustomer"]

    /// The stream `company/table` of a `status --json` document.
    static func stream(_ status: CommandResult, _ company: String, _ table: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let streams = object?["streams"] as? [[String: Any]] ?? []
        guard
            let stream = streams.first(where: { $0["company"] as? String == company && $0["table"] as? String == table }
            )
        else { throw HarnessError("no stream \(company)/\(table) in status --json: \(status)") }
        return stream
    }

    /// Every documented key of a status stream is present, `null` or not.
    static let streamKeys = [
        "company", "table", "watermark", "last_sealed_segment", "last_extract_at", "last_extract_run_id",
        "last_extract_rows", "last_extract_tombstones", "last_load_at", "segments_pending", "rows_pending",
        "oldest_pending_extracted_at", "load_lag_seconds", "extract_age_seconds", "last_error",
    ]

    /// After an extract, status --json shows the watermark, the run that extracted, and every staged row as
    /// pending with a positive lag; after a load nothing is pending, the lag is 0 and the last load is set.
    @Test func statusJSONFollowsExtractAndLoad() throws {
        let rig = try Rig("cli-status")
        defer { rig.remove() }
        let extract = try rig.extract(Self.tables)
        let summary = try JSONSerialization.jsonObject(with: Data(extract.raw.utf8)) as? [String: Any]
        let runID = summary?["run_id"] as? String
        let summaryStreams = summary?["streams"] as? [[String: Any]] ?? []
        let apInvoice = summaryStreams.first { $0["table"] as? String == "ApInvoice" }
        let staged = (apInvoice?["rows"] as? NSNumber)?.intValue ?? -1
        #expect(staged > 0)
        #expect(apInvoice?["tombstones"] as? NSNumber != nil, "extract streams count tombstones: \(extract.raw)")
        #expect((summary?["totals"] as? [String: Any])?["tombstones"] != nil)
        #expect(extract.log.contains(" tombstone"), "the one-line summary counts tombstones: \(extract.log)")

        let afterExtract = try rig.mustSucceed(["status", "--json"])
        let pending = try Self.stream(afterExtract, "A", "ApInvoice")
        for key in Self.streamKeys { #expect(pending.keys.contains(key), "status stream lacks \(key)") }
        #expect(pending["watermark"] as? String != nil)
        #expect(pending["last_extract_run_id"] as? String == runID)
        #expect((pending["last_extract_rows"] as? NSNumber)?.intValue == staged)
        #expect((pending["rows_pending"] as? NSNumber)?.intValue == staged)
        #expect(((pending["segments_pending"] as? NSNumber)?.intValue ?? 0) >= 1)
        #expect(pending["oldest_pending_extracted_at"] as? String != nil)
        #expect(((pending["load_lag_seconds"] as? NSNumber)?.doubleValue ?? -1) > 0)
        #expect(((pending["extract_age_seconds"] as? NSNumber)?.doubleValue ?? -1) >= 0)
        #expect(pending["last_error"] is NSNull)
        #expect(pending["last_load_at"] is NSNull)

        try rig.load()
        let afterLoad = try Self.stream(try rig.mustSucceed(["status", "--json"]), "A", "ApInvoice")
        #expect((afterLoad["rows_pending"] as? NSNumber)?.intValue == 0)
        #expect((afterLoad["segments_pending"] as? NSNumber)?.intValue == 0)
        #expect((afterLoad["load_lag_seconds"] as? NSNumber)?.doubleValue == 0)
        #expect(afterLoad["last_load_at"] as? String != nil)
        #expect(afterLoad["oldest_pending_extracted_at"] is NSNull)

        let text = try rig.mustSucceed(["status"])
        #expect(text.stdout.contains("ApInvoice/A  watermark "))
        #expect(text.stdout.contains("pending 0 segments, 0 rows"))
    }

    /// A failed extract is remembered per table: status shows its stage, code and message until a later
    /// extract of that table succeeds.
    @Test func statusShowsTheLastErrorOfATable() throws {
        let rig = try Rig("cli-last-error")
        defer { rig.remove() }
        try rig.extract(["--table", "ApInvoice"])
        try rig.mustSucceed(["creds", "set", "syspro-password"], stdin: "wrong-password\n")
        let failed = try rig.command(["extract", "--table", "ApInvoice"])
        #expect(failed.status == 69, "\(failed)")
        let stream = try Self.stream(try rig.mustSucceed(["status", "--json"]), "A", "ApInvoice")
        let error = stream["last_error"] as? [String: Any]
        #expect(error?["stage"] as? String == "extract")
        #expect(error?["code"] as? String == "credentials")
        #expect((error?["message"] as? String)?.contains("401") == true, "\(String(describing: error))")
        #expect(stream["last_extract_run_id"] as? String != nil, "the last success is kept")
        let text = try rig.mustSucceed(["status"])
        #expect(text.stdout.contains("last error  extract "))

        try rig.mustSucceed(["creds", "set", "syspro-password"], stdin: rig.options.sysproPassword + "\n")
        try rig.extract(["--table", "ApInvoice"])
        let healed = try Self.stream(try rig.mustSucceed(["status", "--json"]), "A", "ApInvoice")
        #expect(healed["last_error"] is NSNull)
    }

    /// check with the right credentials passes every SYSPRO row, gets a token, and shows a dataset that does not
    /// exist yet as missing (not as a pass); after a load the dataset row passes.
    @Test func checkWithRightCredentials() throws {
        let rig = try Rig("cli-check")
        defer { rig.remove() }
        let before = try rig.command(["check"])
        #expect(before.status == 0, "\(before)")
        #expect(before.stdout.contains("ok    SYSPRO odata company A: "))
        #expect(before.stdout.contains("ok    SYSPRO tables for company A: "))
        #expect(before.stdout.contains("ok    Google token for \(Rig.clientEmail)"))
        #expect(
            before.stdout.contains(
                "miss  BigQuery dataset \(Rig.project):\(Rig.dataset): missing — load will create it; "
                    + "needs bigquery.datasets.create"
            ),
            "\(before)"
        )
        #expect(!before.stdout.contains("FAIL"))
        try rig.extract(["--table", "ApInvoice"])
        try rig.load()
        let after = try rig.command(["check"])
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("ok    BigQuery dataset \(Rig.project):\(Rig.dataset): exists and is readable"))
        #expect(after.stdout.contains("BigQuery tables in \(Rig.project):\(Rig.dataset) (12): "), "\(after)")
        #expect(after.stdout.contains("every load permission granted"), "\(after)")

        // An account that may read but not append: the tables row fails, naming the table, the permission, the role.
        try rig.http(.post, "http://127.0.0.1:\(rig.fakePort)/_fake/auth?deny=bigquery.tables.updateData")
        let denied = try rig.command(["check"])
        #expect(denied.status == 69, "\(denied)")
        #expect(denied.stdout.contains("FAIL  BigQuery tables in \(Rig.project):\(Rig.dataset) (12)"), "\(denied)")
        #expect(denied.combined.contains("ApInvoice lacks bigquery.tables.updateData"), "\(denied)")
        #expect(denied.combined.contains("roles/bigquery.dataEditor"), "\(denied)")
    }

    /// check with a wrong SYSPRO password names the failing row and exits 69 (a person must fix it).
    @Test func checkWithWrongCredentials() throws {
        let rig = try Rig("cli-check-wrong")
        defer { rig.remove() }
        try rig.mustSucceed(["creds", "set", "syspro-password"], stdin: "not-the-password\n")
        let result = try rig.command(["check"])
        #expect(result.status == 69, "\(result)")
        #expect(result.stdout.contains("FAIL  SYSPRO odata company A: error: "), "\(result)")
        #expect(result.stdout.contains("401"))
        #expect(!result.stdout.contains("not-the-password"))
    }

    /// A dataset BigQuery refuses (403) fails check with the remedy and exit 69, never passes.
    @Test func checkFailsOnAForbiddenDataset() throws {
        let rig = try Rig("cli-check-403")
        defer { rig.remove() }
        let forbidden = try ForbiddenBigQuery(directory: rig.root)
        defer { forbidden.stop() }
        var text = try String(contentsOf: rig.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "api_url = \"http://127.0.0.1:\(rig.fakePort)\"",
            with: "api_url = \"http://127.0.0.1:\(forbidden.port)\""
        )
        try Data(text.utf8).write(to: rig.configPath)
        let result = try rig.command(["check"])
        #expect(result.status == 69, "\(result)")
        #expect(result.stdout.contains("ok    Google token for "))
        #expect(result.stdout.contains("FAIL  BigQuery dataset \(Rig.project):\(Rig.dataset): error: "), "\(result)")
        #expect(result.stdout.contains("what to do: grant the service account"))
    }

    /// The Prometheus textfile carries rows, tombstones, segments, retries, errors and lag per table.
    @Test func prometheusTextfileHasPerTableSeries() throws {
        let metricsDirectory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: metricsDirectory) }
        let textfile = metricsDirectory.appendingPathComponent("syspro_bq.prom")
        var options = Rig.Options()
        options.extraConfiguration = "[metrics]\nprometheus_textfile = \"\(textfile.path)\"\n"
        let rig = try Rig("cli-metrics", options)
        defer { rig.remove() }
        try rig.extract(["--table", "ApInvoice"])
        try rig.load()
        let metrics = try String(contentsOf: textfile, encoding: .utf8)
        let labels = "{table=\"ApInvoice\",company=\"A\",stage=\"extract\"}"
        for family in [
            "syspro_bq_rows_total", "syspro_bq_tombstones_total", "syspro_bq_segments_total",
            "syspro_bq_retries_total", "syspro_bq_errors_total", "syspro_bq_lag_seconds",
        ] {
            #expect(metrics.contains(family + labels), "\(family) missing for ApInvoice/A extract:\n\(metrics)")
        }
        #expect(metrics.contains("syspro_bq_lag_seconds{table=\"ApInvoice\",company=\"A\",stage=\"load\"} 0"))
        // The extract's lag is the age of its last success, from the run-state file: seconds, not unknown.
        let extractLag = metrics.split(separator: "\n").first { $0.hasPrefix("syspro_bq_lag_seconds" + labels) }
        let seconds = extractLag.flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(seconds.map { $0 >= 0 && $0 < 600 } == true, "extract lag: \(String(describing: extractLag))")
    }
}

/// A BigQuery API stand-in that answers every request 403 accessDenied, as BigQuery does for a dataset the
/// service account may not read: python3's http.server on 127.0.0.1, stopped by PID.
final class ForbiddenBigQuery {
    let process: ChildProcess
    let port: Int

    init(directory: URL) throws {
        let script = directory.appendingPathComponent("forbidden_bigquery.py")
        let portFile = directory.appendingPathComponent("forbidden.port")
        try Data(
            """
            import http.server, json, os, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = json.dumps({"error": {"code": 403, "message": "Access Denied: Dataset test-project:e2e: \
            Permission bigquery.datasets.get denied", "errors": [{"reason": "accessDenied"}]}}).encode()
                    self.send_response(403)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", 0), H)
            with open(sys.argv[1] + ".tmp", "w") as f:
                f.write(str(server.server_address[1]))
            os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            server.serve_forever()

            """.utf8
        ).write(to: script)
        process = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", script.path, portFile.path],
            outputPrefix: directory.appendingPathComponent("forbidden-bigquery")
        )
        port = try waitForPortFile(portFile, server: process)
    }

    func stop() { process.stop() }
}
