import Common
import Foundation
import SegmentLog
import Testing

@testable import Load

/// The real libcurl transport, one client per insertAll thread, against a tiny BigQuery stand-in on 127.0.0.1.
@Suite struct CurlLoopbackTests {
    /// A Python http.server on an ephemeral loopback port that answers token, create and insertAll calls and
    /// counts the insertAll rows it receives.
    static let script = #"""
        import http.server, json, sys, threading
        rows = 0
        lock = threading.Lock()
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def reply(self, status, obj):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                self.reply(200, {"rows": rows})
            def do_POST(self):
                global rows
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == "/token":
                    return self.reply(200, {"access_token": "ya29.loopback", "expires_in": 3599})
                if self.headers.get("Authorization") != "Bearer ya29.loopback":
                    return self.reply(401, {"error": {"code": 401, "message": "no token"}})
                if self.path.endswith("/insertAll"):
                    with lock:
                        rows += len(json.loads(data)["rows"])
                return self.reply(200, {})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    /// Rows go through four CurlHTTPClients in parallel and every one is journaled.
    @Test func loadThroughCurlWithFourThreads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.script.write(toFile: directory.path + "/server.py", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", directory.path + "/server.py"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            // SIGKILL: the child inherits the test runner's signal mask, in which SIGTERM is blocked.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            portText += String(decoding: byte, as: UTF8.self)
        }
        let port = try #require(Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)))

        let log = try StagingLog(root: directory.path + "/staging", clock: ManualClock(), logger: StagingFixture.logger)
        let stream = try StreamID(company: "A", table: "ApInvoice")
        _ = try StagingFixture.write(log: log, stream: stream, segments: [Array(repeating: "2024-03-31", count: 230)])
        var configuration = testConfiguration(concurrency: 4, maxRows: 20)
        configuration.apiBaseURL = "http://127.0.0.1:\(port)"
        configuration.tokenURI = "http://127.0.0.1:\(port)/token"
        configuration.allowInsecureLocalEndpoints = true
        let runner = try LoadRunner(
            configuration: configuration,
            serviceAccountKeyJSON: TestKey.keyJSON(),
            log: log,
            logger: StagingFixture.logger
        ) { try CurlHTTPClient() }
        let summary = try runner.load(streams: [stream])
        #expect(summary.failures.isEmpty)
        #expect(summary.tables.first?.rowsAcknowledged == 230)
        #expect(summary.tables.first?.requests == 12)
        #expect(try LoadJournal(log: log, stream: stream).isLoaded(1))
    }
}
