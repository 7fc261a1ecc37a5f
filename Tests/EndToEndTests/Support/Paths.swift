import Foundation

/// Where the end-to-end tests find the package, its built executables and the Python venv.
///
/// The tests run built binaries (`swift build --build-tests` builds the executables too) and, for the emulator,
/// the venv that `scripts/setup-python.sh` creates. Anything missing is a test failure with the command that
/// fixes it, never a silent skip.
enum Paths {
    /// The package root, from this file's path (Tests/EndToEndTests/Support/Paths.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The debug binary `name`, or an error naming the command that builds it.
    static func binary(_ name: String) throws -> URL {
        let candidates = [
            ".build/debug/\(name)", ".build/x86_64-unknown-linux-gnu/debug/\(name)",
            ".build/aarch64-unknown-linux-gnu/debug/\(name)",
        ]
        for candidate in candidates {
            let url = packageRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw HarnessError(
            "\(name) is not built under \(packageRoot.path)/.build/debug; run `swift build --build-tests`"
        )
    }

    /// The venv's Python, or an error naming the script that creates it.
    static func venvPython() throws -> URL {
        let venv =
            ProcessInfo.processInfo.environment["SYSPRO_BQ_VENV"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".venv")
        let python = venv.appendingPathComponent("bin/python")
        let emulator = venv.appendingPathComponent("bin/bqemulator")
        guard FileManager.default.isExecutableFile(atPath: python.path),
            FileManager.default.isExecutableFile(atPath: emulator.path)
        else {
            throw HarnessError(
                "the Python venv with bqemulator is missing at \(venv.path); run `scripts/setup-python.sh` "
                    + "(`make test` does it first)"
            )
        }
        return python
    }

    /// A script under scripts/.
    static func script(_ relative: String) -> URL { packageRoot.appendingPathComponent("scripts/" + relative) }

    /// A fresh temporary directory for one test's run.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("syspro-bq-e2e-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A failure of the harness itself (a server that does not start, a binary that is missing), with its reason.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
