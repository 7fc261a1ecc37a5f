import Foundation
import Testing

/// Runs the built `syspro-bq` binary (`swift build` builds it before the tests) and captures what it printed.
enum CLI {
    /// The package root, from this file's path (Tests/CLITests/CLIHarness.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        let debug = packageRoot.appendingPathComponent(".build/debug/syspro-bq")
        if FileManager.default.isExecutableFile(atPath: debug.path) { return debug }
        // `swift build --build-path` elsewhere: fall back to the architecture-specific directory.
        return packageRoot.appendingPathComponent(".build/x86_64-unknown-linux-gnu/debug/syspro-bq")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var combined: String { stdout + stderr }
    }

    /// Runs the binary with `arguments` in `directory`, with an environment free of any `SYSPRO_BQ_` variable
    /// except those in `environment`, and `stdin` as standard input.
    static func run(
        _ arguments: [String],
        in directory: URL? = nil,
        environment: [String: String] = [:],
        stdin: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SYSPRO_BQ_") }
        env["COLUMNS"] = "100"
        env.merge(environment) { _, new in new }
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a full pipe never blocks the child.
        let errorData = ThreadedRead(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.wait(), as: UTF8.self)
        )
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syspro-bq-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The permission bits of a file.
    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

/// Reads a file handle to its end on another thread.
final class ThreadedRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
