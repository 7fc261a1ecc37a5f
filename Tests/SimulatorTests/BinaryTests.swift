import Foundation
import Testing

/// The built `syspro-sim` next to the test bundle (`.build/<triple>/debug/`), if present.
let simulatorBinary: URL? = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let dir = executable.deletingLastPathComponent()
    for candidate in [dir, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("syspro-sim")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}()

@Suite struct BinaryTests {
    /// The binary writes its port to --port-file once listening, serves, and exits 0 on SIGTERM.
    @Test(.enabled(if: simulatorBinary != nil, "build the syspro-sim product first"))
    func binaryWritesPortFileAndStopsOnSigterm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("syspro-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let portFile = dir.appendingPathComponent("port")
        let process = Process()
        process.executableURL = simulatorBinary
        process.arguments = [
            "--port-file", portFile.path, "--scale", "0.02", "--companies", "A", "--log-level", "warning",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let deadline = Date().addingTimeInterval(120)
        var text = ""
        while Date() < deadline {
            text = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
            if text.hasSuffix("\n") { break }
            usleep(100_000)
        }
        let port = try #require(UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        let stats = try SimHarness.request(port: port, "GET", "/_sim/stats", auth: false)
        #expect(stats.status == 200)
        #expect(stats.text.contains("\"rows\":{\"A\":{"))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)
    }
}
