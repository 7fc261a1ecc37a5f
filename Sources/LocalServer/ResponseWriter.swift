import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one response to one connection, whole, streamed, or deliberately broken.
///
/// A handler must call exactly one of `respond`, `beginStreaming` (then `write`… and `end`),
/// `sendTruncated`, `resetConnection`, `hang` or `sendRaw`. The fault helpers close the
/// connection. Writes to a peer that has gone away are dropped silently and `isConnectionOpen`
/// turns false, so a streaming handler can stop early.
///
/// Not thread-safe: owned by the connection thread for the duration of the handler call.
public final class ResponseWriter {
    enum State {
        case idle
        case streaming
        case done
        case closed
    }

    private let fd: Int32
    private let isHead: Bool
    private let keepAliveRequested: Bool
    private let isStopping: @Sendable () -> Bool
    private let closeConnection: () -> Void
    private(set) var state: State = .idle
    /// The status sent, for the access log; 0 when nothing was sent.
    private(set) var statusSent = 0

    init(
        fd: Int32,
        isHead: Bool,
        keepAlive: Bool,
        isStopping: @escaping @Sendable () -> Bool,
        closeConnection: @escaping () -> Void
    ) {
        self.fd = fd
        self.isHead = isHead
        self.keepAliveRequested = keepAlive
        self.isStopping = isStopping
        self.closeConnection = closeConnection
    }

    /// True until a write fails or a fault helper closes the connection.
    public var isConnectionOpen: Bool { state != .closed }

    /// True when nothing has been sent yet.
    public var hasResponded: Bool { state != .idle }

    /// Whether the connection stays open for another request after this response.
    var keepsAlive: Bool { state == .done && keepAliveRequested }

    /// Sends a complete response; `Content-Length` is set from `body` (handler values for it are ignored).
    public func respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        guard state == .idle else { return }
        var out = head(status: status, headers: headers, framing: ("Content-Length", String(body.count)))
        if !isHead { out += body }
        statusSent = status
        state = SocketCalls.sendAll(fd, out) ? .done : .closed
    }

    /// Sends a complete response with a UTF-8 text body.
    public func respond(status: Int, headers: [(String, String)] = [], text: String) {
        respond(status: status, headers: headers, body: Array(text.utf8))
    }

    /// Starts a chunked response; follow with `write` calls and one `end()`.
    public func beginStreaming(status: Int, headers: [(String, String)] = []) {
        guard state == .idle else { return }
        let out = head(status: status, headers: headers, framing: ("Transfer-Encoding", "chunked"))
        statusSent = status
        state = SocketCalls.sendAll(fd, out) ? .streaming : .closed
    }

    /// Sends one chunk; empty input is skipped (an empty chunk would end the body).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard state == .streaming else { return false }
        guard !bytes.isEmpty else { return true }
        var out = Array(String(bytes.count, radix: 16).utf8)
        out += [0x0D, 0x0A]
        out += bytes
        out += [0x0D, 0x0A]
        if !SocketCalls.sendAll(fd, out) { state = .closed }
        return state == .streaming
    }

    /// Ends a chunked response with the zero-length chunk.
    public func end() {
        guard state == .streaming else { return }
        state = SocketCalls.sendAll(fd, Array("0\r\n\r\n".utf8)) ? .done : .closed
    }

    /// Declares the full `Content-Length`, sends only the first `deliver` body bytes, then closes.
    ///
    /// The client sees a short body: curl reports `CURLE_PARTIAL_FILE` (18). With `reset`, the
    /// connection ends with a TCP RST instead of a FIN (the client sees ECONNRESET mid-body).
    public func sendTruncated(
        status: Int,
        headers: [(String, String)] = [],
        body: [UInt8],
        deliver: Int,
        reset: Bool = false
    ) {
        guard state == .idle else { return }
        var out = head(status: status, headers: headers, framing: ("Content-Length", String(body.count)), close: true)
        out += body.prefix(max(0, min(deliver, body.count)))
        statusSent = status
        _ = SocketCalls.sendAll(fd, out)
        if reset {
            // Give the peer a moment to read the prefix before the RST discards its receive queue.
            usleep(50_000)
            resetConnection()
        } else {
            closeGracefully()
        }
    }

    /// Sends `bytes` exactly as given (no status line is added), then closes the connection.
    public func sendRaw(_ bytes: [UInt8]) {
        guard state != .closed else { return }
        _ = SocketCalls.sendAll(fd, bytes)
        closeGracefully()
    }

    /// Aborts the connection with a TCP RST (`SO_LINGER` zero, then close): the client sees ECONNRESET.
    public func resetConnection() {
        guard state != .closed else { return }
        SocketCalls.armReset(fd)
        state = .closed
        closeConnection()
    }

    /// Holds the connection without answering for `seconds` (or until the server stops), then closes it.
    ///
    /// A client with a shorter timeout gives up first; this thread stays parked meanwhile.
    public func hang(seconds: Double) {
        guard state != .closed else { return }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !isStopping() {
            usleep(20_000)
        }
        closeGracefully()
    }

    /// Closes the connection now (FIN), for the fault helpers.
    private func closeGracefully() {
        state = .closed
        closeConnection()
    }

    private func head(
        status: Int,
        headers: [(String, String)],
        framing: (String, String),
        close: Bool = false
    ) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" || lower == "connection" { continue }
            text += "\(name): \(value)\r\n"
        }
        text += "\(framing.0): \(framing.1)\r\n"
        if close || !keepAliveRequested { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The reason phrase for common statuses; others get a generic phrase (clients ignore it).
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status < 400 ? "OK" : "Error"
        }
    }
}
