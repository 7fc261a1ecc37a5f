import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A self-signed certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1) and its key, made with the openssl
/// command in a fresh temporary directory that ``remove()`` deletes.
struct SelfSignedCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=syspro-bq security test",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            remove()
            throw TLSAnswerServer.Failure.didNotStart("openssl req failed with status \(openssl.terminationStatus)")
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The HTTPS server of `Fixtures/tls_answer_server.py`, run as a child process for one test: it answers each
/// request with the first ``Answer`` whose `contains` text occurs in the path.
///
/// It binds 127.0.0.1 on an ephemeral port, is killed by PID in `deinit`, and also exits when its stdin (a pipe
/// held here) closes, so a crashed test run leaks nothing.
final class TLSAnswerServer {
    struct Answer: Encodable {
        var contains: String
        var status: Int = 200
        var type: String
        var body: String
    }

    enum Failure: Error {
        case didNotStart(String)
    }

    let port: Int
    private let process: Process
    private let input: Pipe
    private let answersFile: URL

    init(certificate: SelfSignedCertificate, answers: [Answer]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tls_answer_server.py")
        answersFile = certificate.directory.appendingPathComponent("answers.json")
        try JSONEncoder().encode(answers).write(to: answersFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path, certificate.certificatePath, certificate.keyPath, answersFile.path,
        ]
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let fd = output.fileHandleForReading.fileDescriptor
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }

    /// `https://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }
}
