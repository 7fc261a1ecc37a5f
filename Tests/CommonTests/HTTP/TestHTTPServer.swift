import Common
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The loopback HTTP server of `Fixtures/http_test_server.py`, run as a child process for one test.
///
/// The server binds 127.0.0.1 on an ephemeral port and prints it first. It is killed by PID in `deinit`,
/// and it also exits on its own when its stdin (a pipe held here) closes, so a crashed test run leaks
/// nothing.
final class TestHTTPServer {
    let port: Int
    private let process: Process
    private let input: Pipe

    /// Starts a server; with `tls`, it speaks HTTPS with that certificate.
    init(tls: SelfSignedCertificate? = nil) throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/http_test_server.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: try pythonExecutable.get())
        process.arguments = [script.path] + (tls.map { ["--tls", $0.certificatePath, $0.keyPath] } ?? [])
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()

        // The first line of stdout is the port.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let fd = output.fileHandleForReading.fileDescriptor
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestServerError.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the server holds nothing worth a clean shutdown, and SIGTERM may be blocked in the child
        // (it inherits the signal mask of the test thread that started it).
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// `https://<host>:<port><path>`, for a server started with a certificate.
    func httpsURL(_ path: String, host: String = "127.0.0.1") -> String { "https://\(host):\(port)\(path)" }
}

/// The real python3 binary, resolved once: `python3` on PATH may be a shell shim (pyenv) that costs a few
/// hundred milliseconds per start on a loaded machine, and every server test starts a server.
private let pythonExecutable: Result<String, TestServerError> = {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
    let output = Pipe()
    probe.standardOutput = output
    do {
        try probe.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        probe.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? .failure(.didNotStart("python3 not found")) : .success(path)
    } catch {
        return .failure(.didNotStart("python3 not found: \(error)"))
    }
}()

enum TestServerError: Error {
    case didNotStart(String)
}

/// What the server's `/echo` route saw.
struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    private let body: String

    var bodyBytes: [UInt8] { Array(Data(base64Encoded: body) ?? Data()) }

    func header(_ name: String) -> String? {
        headers.first(where: { $0[0].lowercased() == name.lowercased() })?[1]
    }

    init(_ response: HTTPResponse) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }
}

/// A TCP port on 127.0.0.1 that was just bound and closed, so nothing listens on it.
func closedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
    }
    guard bound else { throw TestServerError.didNotStart("bind failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The resident set size of this process, in bytes, from /proc/self/status.
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ")[1])
    else { return 0 }
    return kilobytes * 1024
}

/// A self-signed certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1), made with the openssl command in a
/// fresh temporary directory. Call `remove()` when done.
struct SelfSignedCertificate {
    let directory: TemporaryDirectory
    var certificatePath: String { directory.url.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.url.appendingPathComponent("key.pem").path }

    init() throws {
        directory = try TemporaryDirectory()
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=syspro-bq test",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            directory.remove()
            throw TestServerError.didNotStart("openssl req failed with status \(openssl.terminationStatus)")
        }
    }

    func remove() { directory.remove() }
}
