import Common
import LocalServer
public import Logging

/// The fake behind a loopback HTTP server: one `LocalHTTPServer` (a thread per connection) calling
/// `FakeBigQuery.handle`.
///
/// Thread-safe. `start()` binds; `stop()` closes the listener and every connection.
public final class FakeBigQueryServer: Sendable {
    /// The service, for in-process inspection.
    public let service: FakeBigQuery
    private let server: LocalHTTPServer

    /// Creates the server; nothing listens until `start()`.
    ///
    /// - Parameters:
    ///   - service: The fake to serve.
    ///   - port: The port to bind on 127.0.0.1, or 0 for an ephemeral one.
    ///   - logger: The server's logger (access log at debug level).
    public init(service: FakeBigQuery, port: UInt16 = 0, logger: Logger) {
        self.service = service
        self.server = LocalHTTPServer(host: "127.0.0.1", port: port, logger: logger) { request, writer in
            let response = service.handle(FakeRequest(request))
            switch response {
            case .respond(let status, let headers, let body):
                writer.respond(status: status, headers: headers.map { ($0.name, $0.value) }, body: body)
            case .reset:
                writer.resetConnection()
            case .hang(let seconds):
                writer.hang(seconds: seconds)
            case .truncated(let status, let headers, let body):
                writer.sendTruncated(
                    status: status,
                    headers: headers.map { ($0.name, $0.value) },
                    body: body,
                    deliver: body.count / 2
                )
            }
        }
    }

    /// Binds and starts serving.
    ///
    /// - Returns: The bound port.
    /// - Throws: `LocalServerError` when the socket cannot be bound.
    @discardableResult
    public func start() throws -> UInt16 { try server.start() }

    /// Stops serving and closes every connection.
    public func stop() { server.stop() }
}

extension FakeRequest {
    /// Converts the LocalServer request, keeping the path percent-encoded so each segment is decoded once.
    init(_ request: ServerRequest) {
        let rawPath =
            request.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? request.path
        self.init(
            method: request.method,
            path: rawPath,
            query: request.queryItems,
            headers: request.headers.map { (name: $0.0, value: $0.1) },
            body: request.body
        )
    }
}
