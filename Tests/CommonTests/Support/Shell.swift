import Foundation

/// Runs system tools (gzip, openssl, sha256sum, flock) that tests cross-check against.
enum Shell {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `command` with `/bin/sh -c` and waits for it. Output is captured through files, so large output
    /// cannot fill a pipe and deadlock.
    @discardableResult
    static func run(_ command: String) throws -> Result {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = FileManager.default.createFile(atPath: directory.file("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: directory.file("err"), contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("out")))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("err")))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: try directory.read("out"), as: UTF8.self),
            standardError: String(decoding: try directory.read("err"), as: UTF8.self)
        )
    }

    /// Quotes `text` for `/bin/sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
