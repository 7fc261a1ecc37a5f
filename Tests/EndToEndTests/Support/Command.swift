import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    /// True when the process ended by a signal (`status` is then the signal number).
    var signalled: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    var combined: String { stdout + stderr }

    var description: String {
        let how = signalled ? "signal \(status)" : "exit \(status)"
        return "`\(arguments.joined(separator: " "))` → \(how) in \(String(format: "%.1f", seconds))s\n"
            + "stdout: \(stdout.suffix(2_000))\nstderr: \(stderr.suffix(4_000))"
    }
}

/// One child process started by a test, with its output going to files, stopped by its PID.
///
/// Not thread-safe: one owner.
final class ChildProcess {
    let arguments: [String]
    let process = Process()
    let stdoutPath: URL
    let stderrPath: URL
    let started = Date()

    /// Starts `executable` with `arguments`, standard output and error to `outputPrefix`.out / .err.
    init(
        _ executable: URL,
        _ arguments: [String],
        outputPrefix: URL,
        environment: [String: String] = [:],
        stdin: String? = nil,
        directory: URL? = nil
    ) throws {
        self.arguments = [executable.lastPathComponent] + arguments
        stdoutPath = outputPrefix.appendingPathExtension("out")
        stderrPath = outputPrefix.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // A SYSPRO_BQ_ setting inherited from the developer's shell would change what the test runs.
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SYSPRO_BQ_") || $0.key == "SYSPRO_BQ_VENV"
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath)
        process.standardError = try FileHandle(forWritingTo: stderrPath)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Waits up to `timeout` seconds; on time-out kills the process (SIGKILL) and throws.
    @discardableResult
    func wait(timeout: Double) throws -> CommandResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("timed out after \(Int(timeout))s: \(result())")
        }
        process.waitUntilExit()
        return result()
    }

    /// Sends `signal` to the process (by PID).
    func send(_ signal: Int32) { if process.isRunning { kill(pid, signal) } }

    /// SIGTERM, then SIGKILL if it has not stopped within `grace` seconds.
    func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    func result() -> CommandResult {
        let running = process.isRunning
        return CommandResult(
            arguments: arguments,
            status: running ? -1 : process.terminationStatus,
            signalled: running ? false : process.terminationReason == .uncaughtSignal,
            stdout: (try? String(contentsOf: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrPath, encoding: .utf8)) ?? "",
            seconds: Date().timeIntervalSince(started)
        )
    }

    /// Runs `executable` to completion.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        outputPrefix: URL,
        environment: [String: String] = [:],
        stdin: String? = nil,
        timeout: Double = 180
    ) throws -> CommandResult {
        try ChildProcess(executable, arguments, outputPrefix: outputPrefix, environment: environment, stdin: stdin)
            .wait(timeout: timeout)
    }
}

/// Waits for a server's `--port-file` (written atomically once it listens).
func waitForPortFile(_ url: URL, server: ChildProcess, timeout: Double = 60) throws -> Int {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let text = try? String(contentsOf: url, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return port
        }
        if !server.isRunning { throw HarnessError("server exited before listening: \(server.result())") }
        usleep(50_000)
    }
    throw HarnessError("server did not write \(url.path) within \(Int(timeout))s: \(server.result())")
}
