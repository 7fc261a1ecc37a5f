import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small blocking HTTP/1.1 server on loopback, one thread per connection, for the SYSPRO
/// simulator, the fake BigQuery server and tests.
///
/// It keeps connections alive, sets `TCP_NODELAY`, reads bodies by `Content-Length` or chunked
/// coding, answers `Expect: 100-continue`, answers malformed heads with 400 (431 when the head is
/// too large, 413 when the body is), and lets a handler break a response at the byte level through
/// `ResponseWriter`. Pipelined requests are read in order but not processed concurrently.
///
/// Thread-safety: `start()` and `stop()` may be called from any thread; the handler runs on the
/// connection's own thread and must be thread-safe itself.
public final class LocalHTTPServer: @unchecked Sendable {
    /// The handler type: read the request, answer through the writer. A thrown error becomes a 500
    /// when nothing was sent yet, and closes the connection otherwise.
    public typealias Handler = @Sendable (ServerRequest, ResponseWriter) throws -> Void

    /// Largest request line plus headers accepted (bytes); larger heads get 431.
    public static let maxHeaderBytes = 64 * 1024
    /// Largest request body accepted (bytes); larger bodies get 413.
    public static let maxBodyBytes = 1 << 30
    /// Idle keep-alive connections are closed after this many seconds without a request.
    public static let idleTimeoutSeconds = 120

    private let host: String
    private let requestedPort: UInt16
    private let logger: Logger
    private let handler: Handler
    private let stopping = Atomic<Bool>(false)
    private let state = Mutex(ServerState())
    private let threads = DispatchGroup()

    private struct ServerState {
        var started = false
        var listenFD: Int32 = -1
        var port: UInt16 = 0
        var connections: Set<Int32> = []
    }

    /// Creates a server; nothing listens until `start()`.
    ///
    /// - Parameters:
    ///   - host: `127.0.0.1`, `localhost` or `::1`; anything else is refused by `start()`.
    ///   - port: the port to bind, or 0 for an ephemeral one.
    ///   - logger: where connection errors and the access log (debug level) go.
    ///   - handler: called once per request on the connection's thread.
    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        logger: Logger,
        handler: @escaping Handler
    ) {
        self.host = host
        self.requestedPort = port
        self.logger = logger
        self.handler = handler
    }

    /// The bound port (0 before `start()`).
    public var port: UInt16 { state.withLock { $0.port } }

    /// Number of connections currently open.
    public var openConnectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds, listens and starts the accept thread.
    ///
    /// - Returns: the bound port.
    /// - Throws: `LocalServerError.nonLoopbackHost` for any non-loopback host, `.alreadyStarted`,
    ///   or `.socketCall` when bind/listen fail.
    @discardableResult
    public func start() throws -> UInt16 {
        guard let family = ListeningSocket.loopbackFamily(of: host) else {
            throw LocalServerError.nonLoopbackHost(host)
        }
        try state.withLock { s throws(LocalServerError) in
            guard !s.started else { throw .alreadyStarted }
            s.started = true
        }
        let (fd, bound) = try ListeningSocket.open(family: family, port: requestedPort)
        state.withLock {
            $0.listenFD = fd
            $0.port = bound
        }
        threads.enter()
        let acceptThread = Thread { [self] in
            acceptLoop(listenFD: fd)
            threads.leave()
        }
        acceptThread.name = "LocalHTTPServer.accept"
        acceptThread.start()
        logger.debug("Local HTTP server listening", metadata: ["server.host": "\(host)", "server.port": "\(bound)"])
        return bound
    }

    /// Closes the listener and every connection, then waits for all threads to finish.
    ///
    /// Handlers that are running finish their current call (a `hang` ends early). Idempotent.
    public func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        state.withLock { s in
            if s.listenFD >= 0 { SocketCalls.shutdownBoth(s.listenFD) }
            for fd in s.connections { SocketCalls.shutdownBoth(fd) }
        }
        threads.wait()
        state.withLock { s in
            if s.listenFD >= 0 {
                SocketCalls.closeDescriptor(s.listenFD)
                s.listenFD = -1
            }
        }
        logger.debug("Local HTTP server stopped", metadata: ["server.port": "\(port)"])
    }

    private func acceptLoop(listenFD: Int32) {
        while !stopping.load(ordering: .relaxed) {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listenFD, $0, &length) }
            }
            if fd < 0 {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                if stopping.load(ordering: .relaxed) { return }
                if code == EMFILE || code == ENFILE {
                    logger.warning("Accept failed, retrying", metadata: ["errno": "\(SocketCalls.errnoText(code))"])
                    usleep(50_000)
                    continue
                }
                logger.error("Accept failed, listener stops", metadata: ["errno": "\(SocketCalls.errnoText(code))"])
                return
            }
            let registered = state.withLock { s -> Bool in
                // Registering under the lock that stop() holds means stop() either sees this
                // connection and shuts it down, or we see `stopping` and close it here.
                if stopping.load(ordering: .relaxed) { return false }
                s.connections.insert(fd)
                return true
            }
            guard registered else {
                SocketCalls.closeDescriptor(fd)
                return
            }
            SocketCalls.setNoDelay(fd)
            SocketCalls.setReceiveTimeout(fd, seconds: Self.idleTimeoutSeconds)
            let peer = ListeningSocket.describe(storage)
            threads.enter()
            let thread = Thread { [self] in
                serve(fd: fd, peer: peer)
                threads.leave()
            }
            thread.name = "LocalHTTPServer.connection"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Releases a connection's descriptor exactly once, under the lock so `stop()` never shuts
    /// down a descriptor number that was already reused.
    private func release(_ fd: Int32) {
        state.withLock { s in
            if s.connections.remove(fd) != nil { SocketCalls.closeDescriptor(fd) }
        }
    }

    private func serve(fd: Int32, peer: String) {
        defer { release(fd) }
        let reader = RequestReader(fd: fd, maxHeaderBytes: Self.maxHeaderBytes, maxBodyBytes: Self.maxBodyBytes)
        let stoppingFlag: @Sendable () -> Bool = { [self] in stopping.load(ordering: .relaxed) }
        var released = false
        while !released && !stopping.load(ordering: .relaxed) {
            let request: ServerRequest
            let keepAlive: Bool
            do {
                let head = try reader.readHead()
                keepAlive = Self.wantsKeepAlive(head)
                if let expect = head.headers.first(where: {
                    ServerRequest.asciiCaseInsensitiveEquals($0.0, "Expect")
                })?.1, expect.lowercased() == "100-continue" {
                    guard SocketCalls.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                let body = try reader.readBody(for: head)
                request = try Self.makeRequest(head: head, body: body, peer: peer)
            } catch {
                answerFailure(error, fd: fd, peer: peer)
                return
            }
            let writer = ResponseWriter(
                fd: fd,
                isHead: request.method == "HEAD",
                keepAlive: keepAlive,
                isStopping: stoppingFlag,
                closeConnection: { [self] in
                    released = true
                    release(fd)
                }
            )
            do {
                try handler(request, writer)
                if !writer.hasResponded {
                    logger.error("Handler returned without responding", metadata: ["http.target": "\(request.target)"])
                    writer.respond(status: 500, text: "handler did not respond\n")
                } else if writer.state == .streaming {
                    logger.error(
                        "Handler left a streamed response open",
                        metadata: ["http.target": "\(request.target)"]
                    )
                    return
                }
            } catch {
                if writer.hasResponded {
                    logger.warning(
                        "Handler failed after responding",
                        metadata: ["http.target": "\(request.target)", "error": "\(error)"]
                    )
                    return
                }
                logger.warning("Handler failed", metadata: ["http.target": "\(request.target)", "error": "\(error)"])
                writer.respond(status: 500, text: "internal error\n")
            }
            logger.trace(
                "Request served",
                metadata: [
                    "http.method": "\(request.method)", "http.target": "\(request.target)",
                    "http.status": "\(writer.statusSent)",
                ]
            )
            if !writer.keepsAlive { return }
        }
    }

    private func answerFailure(_ error: RequestReader.Failure, fd: Int32, peer: String) {
        let status: Int
        let text: String
        switch error {
        case .closed: return
        case .malformed(let why):
            status = 400
            text = why
        case .headerTooLarge:
            status = 431
            text = "request head larger than \(Self.maxHeaderBytes) bytes"
        case .bodyTooLarge:
            status = 413
            text = "request body larger than \(Self.maxBodyBytes) bytes"
        }
        logger.debug("Bad request", metadata: ["http.status": "\(status)", "peer": "\(peer)", "reason": "\(text)"])
        let body = Array("\(text)\n".utf8)
        let head =
            "HTTP/1.1 \(status) \(ResponseWriter.reason(status))\r\nContent-Type: text/plain\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        _ = SocketCalls.sendAll(fd, Array(head.utf8) + body)
    }

    private static func wantsKeepAlive(_ head: RequestReader.Head) -> Bool {
        let connection = head.headers.first { ServerRequest.asciiCaseInsensitiveEquals($0.0, "Connection") }?.1
            .lowercased()
        if head.version == "HTTP/1.0" { return connection?.contains("keep-alive") ?? false }
        return !(connection?.contains("close") ?? false)
    }

    private static func makeRequest(
        head: RequestReader.Head,
        body: [UInt8],
        peer: String
    ) throws(RequestReader.Failure) -> ServerRequest {
        let target = head.target
        let rawPath: Substring
        let rawQuery: String
        if let q = target.firstIndex(of: "?") {
            rawPath = target[..<q]
            rawQuery = String(target[target.index(after: q)...])
        } else {
            rawPath = Substring(target)
            rawQuery = ""
        }
        guard let path = PercentDecoding.decode(rawPath) else { throw .malformed("invalid percent escape in path") }
        guard let items = PercentDecoding.queryItems(rawQuery) else {
            throw .malformed("invalid percent escape in query")
        }
        return ServerRequest(
            method: head.method,
            target: target,
            path: path,
            rawQuery: rawQuery,
            queryItems: items,
            headers: head.headers,
            body: body,
            remoteAddress: peer
        )
    }
}
