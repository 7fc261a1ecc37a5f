import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("server behaviour")
struct ServerBehaviourTests {
    /// Concurrent insertAll calls from many connections are all applied: no row is lost or doubled.
    @Test func concurrentInsertsAreAllStored() async throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(#"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"}]"#)
        let token = try fake.token()
        let url = "\(fake.api)/datasets/ds/tables/t/insertAll"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for batch in 0..<8 {
                group.addTask {
                    let rows = (0..<50).map {
                        #"{"insertId":"\#(batch)-\#($0)","json":{"id":"\#(batch)-\#($0)","amount":"1.01"}}"#
                    }
                    return try Curl.send(
                        "POST",
                        url,
                        headers: [("Authorization", "Bearer \(token)")],
                        body: Array(#"{"rows":[\#(rows.joined(separator: ","))]}"#.utf8)
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == [Int](repeating: 200, count: 8))
        let stored = try fake.storedRows()
        #expect(stored.count == 400)
        #expect(Set(stored).count == 400)
        #expect((try fake.stats()["rowsStored"] as? [String: Any])?["ds.t"] as? Int == 400)
    }

    /// --latency-ms delays every API response (seen as sleeps of the injected clock), but not /_fake calls.
    @Test func latencyDelaysApiResponses() throws {
        let clock = ManualClockBox.make()
        let fake = try FakeHarness(clock: clock) { $0.latencyMilliseconds = 50 }
        defer { fake.stop() }
        _ = try fake.call("GET", "/datasets/none")
        _ = try fake.stats()
        #expect(clock.sleeps == [0.05, 0.05])
    }

    /// A hang fault holds the connection without an answer, then closes it.
    @Test func hangHoldsTheConnectionThenCloses() throws {
        let fake = try FakeHarness {
            $0.faultRate = 1
            $0.faultKinds = [.hang]
            $0.hangSeconds = 1
        }
        defer { fake.stop() }
        let started = Date()
        let result = try fake.call("GET", "/datasets/ds")
        #expect(result.status == 0)
        #expect(Date().timeIntervalSince(started) >= 0.9)
    }

    /// The built binary writes its port file, serves, and exits 0 on SIGTERM.
    @Test func binaryStartsWritesPortFileAndStopsOnSigterm() throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/fake-bigquery").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build the package first: \(binary)")
        guard FileManager.default.isExecutableFile(atPath: binary) else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(try FakeHarness.sharedKeyPair.get().publicPEM, to: "public.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", "0", "--port-file", directory.file("port"), "--project", "test-project",
            "--public-key", directory.file("public.pem"), "--client-email", FakeHarness.clientEmail,
            "--job-steps", "0",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port: String?
        for _ in 0..<200 where port == nil {
            if let bytes = try? directory.read("port") {
                port = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let unauthenticated = try Curl.send(
            "GET",
            "http://127.0.0.1:\(port ?? "0")/bigquery/v2/projects/test-project/datasets/x"
        )
        #expect(unauthenticated.status == 401)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}
