import Foundation

/// Runs command-line tools (curl, openssl) the tests drive the fake with.
enum Shell {
    struct Result {
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input; output goes through files so a
    /// large body cannot fill a pipe.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil) throws -> Result {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = FileManager.default.createFile(atPath: directory.file("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: directory.file("err"), contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("out")))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("err")))
        process.standardOutput = out
        process.standardError = err
        if let input {
            try directory.write(input, to: "in")
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: directory.file("in")))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            standardOutput: try directory.read("out"),
            standardError: String(decoding: try directory.read("err"), as: UTF8.self)
        )
    }
}

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fake-bigquery-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], to name: String) throws {
        let url = URL(fileURLWithPath: file(name))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
