/// Reads HTTP/1.1 requests from one connection: request line, headers, and the body by
/// Content-Length or chunked transfer coding (RFC 9112 §6, §7.1).
///
/// Owned by one connection thread; not thread-safe.
final class RequestReader {
    /// Why no request could be read.
    enum Failure: Error {
        /// The peer closed (or the idle timeout fired) between requests; nothing to answer.
        case closed
        /// The bytes are not HTTP; answer 400 and close.
        case malformed(String)
        /// The request line and headers exceed the limit; answer 431 and close.
        case headerTooLarge
        /// The body exceeds the limit; answer 413 and close.
        case bodyTooLarge
    }

    /// A request's head, parsed before the body is read so `Expect: 100-continue` can be answered.
    struct Head {
        let method: String
        let target: String
        let version: String
        let headers: [(String, String)]
    }

    private let fd: Int32
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Receive scratch space, allocated once per connection (debug builds make per-read arrays slow).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 8)

    init(fd: Int32, maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.fd = fd
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    deinit { scratch.deallocate() }

    /// Reads up to the blank line ending the headers and parses them.
    func readHead() throws(Failure) -> Head {
        // Offsets are kept relative to `start` because `fill()` may compact the buffer.
        var scanOffset = 0
        while true {
            if let end = findHeaderEnd(from: start + scanOffset) {
                guard end - start <= maxHeaderBytes else { throw .headerTooLarge }
                let head = Array(buffer[start..<end])
                start = end + 4
                return try parseHead(head)
            }
            if buffer.count - start > maxHeaderBytes { throw .headerTooLarge }
            scanOffset = max(0, buffer.count - start - 3)
            let got = fill()
            if got <= 0 {
                if buffer.count == start { throw .closed }
                throw .malformed("connection closed inside the request head")
            }
        }
    }

    /// Reads the body the head announces: chunked, Content-Length, or none.
    func readBody(for head: Head) throws(Failure) -> [UInt8] {
        let encoding = head.headers.first { ServerRequest.asciiCaseInsensitiveEquals($0.0, "Transfer-Encoding") }?.1
        if let encoding {
            guard encoding.lowercased().trimmingSpaces() == "chunked" else {
                throw .malformed("unsupported Transfer-Encoding \(encoding)")
            }
            return try readChunked()
        }
        let lengths = head.headers.filter { ServerRequest.asciiCaseInsensitiveEquals($0.0, "Content-Length") }
        guard let lengthText = lengths.first?.1 else { return [] }
        guard lengths.allSatisfy({ $0.1 == lengthText }), let length = Int(lengthText.trimmingSpaces()), length >= 0
        else { throw .malformed("invalid Content-Length") }
        guard length <= maxBodyBytes else { throw .bodyTooLarge }
        return try readExactly(length)
    }

    private func readChunked() throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine()
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else {
                throw .malformed("invalid chunk size")
            }
            if size == 0 {
                // Trailer fields, if any, end with an empty line.
                while try !readLine().isEmpty {}
                return body
            }
            guard body.count + size <= maxBodyBytes else { throw .bodyTooLarge }
            body += try readExactly(size)
            guard try readLine().isEmpty else { throw .malformed("chunk data not followed by CRLF") }
        }
    }

    private func readLine() throws(Failure) -> String {
        var scanOffset = 0
        while true {
            if let lf = buffer[(start + scanOffset)...].firstIndex(of: 0x0A) {
                var end = lf
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = lf + 1
                return line
            }
            if buffer.count - start > maxHeaderBytes { throw .headerTooLarge }
            scanOffset = buffer.count - start
            if fill() <= 0 { throw .malformed("connection closed inside a chunked body") }
        }
    }

    private func readExactly(_ count: Int) throws(Failure) -> [UInt8] {
        while buffer.count - start < count {
            if fill() <= 0 { throw .malformed("connection closed inside the body") }
        }
        let out = Array(buffer[start..<(start + count)])
        start += count
        return out
    }

    /// Appends what the socket has (up to 256 KiB); returns the byte count, 0 at end, -1 on error.
    private func fill() -> Int {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        let got = SocketCalls.receive(fd, into: scratch.baseAddress!, count: scratch.count)
        if got > 0 { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<got])) }
        return got
    }

    private func findHeaderEnd(from: Int) -> Int? {
        var i = from
        let end = buffer.count - 3
        while i < end {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
                return i
            }
            i += 1
        }
        return nil
    }

    private func parseHead(_ bytes: [UInt8]) throws(Failure) -> Head {
        // Header bytes must be visible ASCII, space, tab or CRLF; anything else is not HTTP.
        for b in bytes where b < 0x20 && b != 0x09 && b != 0x0D && b != 0x0A || b == 0x7F {
            throw .malformed("control byte in the request head")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .malformed("empty request") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { throw .malformed("request line must be METHOD TARGET VERSION") }
        let method = String(requestLine[0])
        let target = String(requestLine[1])
        let version = String(requestLine[2])
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A || $0 == 0x2D }) else {
            throw .malformed("invalid method")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .malformed("unsupported HTTP version") }
        guard target.hasPrefix("/") || target == "*" else { throw .malformed("request target must start with /") }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line without a colon") }
            let name = line[..<colon]
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else {
                throw .malformed("invalid header name")
            }
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            headers.append((String(name), value))
        }
        return Head(method: method, target: target, version: version, headers: headers)
    }
}

extension String {
    /// Removes leading and trailing spaces and tabs (HTTP optional whitespace), nothing else.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
