import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP/1.1 client on a raw socket, so tests see exactly the bytes the
/// server sends (including truncation, resets and silence).
final class RawClient {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    enum ClientError: Error, Equatable {
        case connect(Int32)
        case closed
        case timedOut
        case reset
        case malformed(String)
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, receiveTimeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        _ = inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw ClientError.connect(code)
        }
        var tv = timeval(
            tv_sec: Int(receiveTimeout),
            tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6)
        )
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { p in
            var offset = 0
            while offset < p.count {
                let n = Glibc.send(fd, p.baseAddress! + offset, p.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Reads more bytes; throws on timeout/reset, returns false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { throw ClientError.timedOut }
            if errno == ECONNRESET { throw ClientError.reset }
            throw ClientError.malformed("read errno \(errno)")
        }
        if n == 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Reads until end of stream and returns everything received.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    private func readLine() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[0..<lf], as: UTF8.self)
                buffer.removeFirst(lf + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard try fill() else { throw ClientError.closed }
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        while buffer.count < n {
            guard try fill() else { throw ClientError.closed }
        }
        let out = Array(buffer[0..<n])
        buffer.removeFirst(n)
        return out
    }

    /// Reads one response; a body shorter than its Content-Length throws `.closed`.
    func readResponse() throws -> Response {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError.malformed(statusLine) }
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let colon = line.firstIndex(of: ":")!
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        let lookup = { (name: String) in headers.first { $0.0.lowercased() == name }?.1 }
        var body: [UInt8] = []
        if lookup("transfer-encoding") == "chunked" {
            while true {
                let size = Int(try readLine(), radix: 16)!
                if size == 0 {
                    _ = try readLine()
                    break
                }
                body += try readExactly(size)
                _ = try readLine()
            }
        } else if let length = lookup("content-length").flatMap({ Int($0) }) {
            body = try readExactly(length)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Sends a simple request and reads the response.
    func request(
        _ target: String,
        method: String = "GET",
        headers: [String] = [],
        body: [UInt8] = []
    ) throws
        -> Response
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for h in headers { head += h + "\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        send(Array(head.utf8) + body)
        return try readResponse()
    }
}
