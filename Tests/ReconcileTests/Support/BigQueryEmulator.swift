import Common
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One bqemulator (a DuckDB-backed local BigQuery, scripts/setup-python.sh) on 127.0.0.1, shared by every test of
/// this process: each test works in its own dataset. Started on first use, stopped by its PID when the process exits.
///
/// It is started as this process's own child, never through `scripts/bqemulator.sh`: Foundation's `Process`
/// notices a child's end when the last copy of a descriptor it hands the child is closed, and the emulator that
/// the script starts in the background inherits that copy and outlives the script, so waiting for the script
/// never returned. That was the hang of these tests.
final class BigQueryEmulator: Sendable {
    let port: Int
    let root: URL
    let pid: Int32

    /// The emulator of this process, started on first use (or the reason it could not start).
    static let shared: Result<BigQueryEmulator, HarnessError> = {
        do { return .success(try BigQueryEmulator()) } catch let error as HarnessError { return .failure(error) } catch
        {
            return .failure(HarnessError("\(error)"))
        }
    }()

    /// The base URL of the REST API.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init() throws {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let venv =
            ProcessInfo.processInfo.environment["SYSPRO_BQ_VENV"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".venv")
        let executable = venv.appendingPathComponent("bin/bqemulator")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw HarnessError("bqemulator is not installed in \(venv.path); run `scripts/setup-python.sh`")
        }
        root = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-bq-\(UUID().uuidString)")
        let gcs = root.appendingPathComponent("gcs")
        try FileManager.default.createDirectory(at: gcs, withIntermediateDirectories: true)
        port = try Self.freePort()
        let grpc = try Self.freePort()
        let logPath = root.appendingPathComponent("bqemulator.log")
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        let log = try FileHandle(forWritingTo: logPath)
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "start", "--rest-host", "127.0.0.1", "--rest-port", "\(port)", "--grpc-host", "127.0.0.1", "--grpc-port",
            "\(grpc)", "--ephemeral", "--project", "test-project", "--log-format", "console",
        ]
        // No DuckDB extension downloads; gs:// maps to a local directory (reference/bigquery.md, B2).
        process.environment = ProcessInfo.processInfo.environment.merging([
            "BQEMU_ENABLE_FORMAT_EXTENSIONS": "false", "BQEMU_GCS_LOCAL_ROOT": gcs.path,
        ]) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        pid = process.processIdentifier
        Self.started.withLock { [root] in $0.append((pid, root.path)) }
        atexit { BigQueryEmulator.stopAll() }
        let deadline = Date().addingTimeInterval(120)
        let client = try CurlHTTPClient()
        while Date() < deadline {
            if let response = try? client.perform(
                HTTPRequest(url: "http://127.0.0.1:\(port)/healthz", connectTimeout: 1, totalTimeout: 2)
            ), response.status == 200 {
                return
            }
            guard process.isRunning else {
                let text = (try? String(contentsOf: logPath, encoding: .utf8)) ?? ""
                throw HarnessError("bqemulator exited at start: \(text.suffix(2_000))")
            }
            usleep(200_000)
        }
        Self.stopAll()
        throw HarnessError("bqemulator did not answer /healthz within 120 s; log: \(logPath.path)")
    }

    /// PIDs and directories of emulators this process started.
    private static let started = Mutex<[(pid: Int32, root: String)]>([])

    /// SIGTERM to every emulator started here, SIGKILL after 5 s, then their directories are removed. Runs at exit.
    static func stopAll() {
        let emulators = started.withLock { started in
            defer { started.removeAll() }
            return started
        }
        for (pid, root) in emulators {
            defer { try? FileManager.default.removeItem(atPath: root) }
            kill(pid, SIGTERM)
            var status: Int32 = 0
            var waited = 0
            while waitpid(pid, &status, WNOHANG) == 0 && waited < 250 {
                usleep(20_000)
                waited += 1
            }
            if waited == 250 { kill(pid, SIGKILL) }
        }
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A failure of the test harness itself (an emulator that does not start), with its reason.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
