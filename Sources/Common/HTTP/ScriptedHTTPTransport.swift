internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``ScriptedHTTPTransport`` does with one request.
///
/// This type is `Sendable`.
public enum ScriptedResponse: Sendable, Hashable {
    /// Answers with this status, headers and body.
    case respond(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [])
    /// Sends the head and the first `deliverBytes` bytes of `body`, then fails as a body cut short
    /// (`CURLE_PARTIAL_FILE`), as libcurl does when a `Content-Length` is not met.
    case truncated(status: Int, headers: [HTTPHeader] = [], body: [UInt8], deliverBytes: Int)
    /// Fails with exactly this error, before any response.
    case transportError(SysproBQError)
    /// Fails as a timeout (`CURLE_OPERATION_TIMEDOUT`) before any response.
    case timeout
    /// Fails as a connection reset while receiving (`CURLE_RECV_ERROR`) before any response.
    case reset

    /// A response whose body is `text` in UTF-8.
    public static func respond(status: Int, headers: [HTTPHeader] = [], text: String) -> ScriptedResponse {
        .respond(status: status, headers: headers, body: Array(text.utf8))
    }
}

/// A fault-injecting ``HTTPTransport`` for tests (STYLE.md §18, §22): a handler decides the response to each
/// request, and every request is recorded for asserting the method, URL, headers and (golden) body.
///
/// Failures are the same ``SysproBQError``s that ``CurlHTTPClient`` throws for the same libcurl outcome, so
/// code tested against this double classifies real failures the same way. Bodies are delivered in pieces
/// of at most ``chunkSize`` bytes, as a network delivers them.
///
/// Thread-safety: thread-safe and `Sendable`; the record is guarded by a `Mutex`, and the handler must be
/// `@Sendable`.
public final class ScriptedHTTPTransport: HTTPTransport, Sendable {
    /// The largest body piece handed to `onBody` at once.
    public let chunkSize: Int
    private let handler: @Sendable (HTTPRequest) -> ScriptedResponse
    private let record = Mutex<(requests: [HTTPRequest], bodies: [[UInt8]])>(([], []))

    /// Creates a transport that answers each request with `handler(request)`.
    public init(chunkSize: Int = 16 * 1024, handler: @escaping @Sendable (HTTPRequest) -> ScriptedResponse) {
        precondition(chunkSize > 0)
        self.chunkSize = chunkSize
        self.handler = handler
    }

    /// Creates a transport that answers the n-th request with `responses[n]`, and fails any request beyond
    /// the script with a terminal `.internalError`, so a test that sends too many requests fails loudly.
    public convenience init(chunkSize: Int = 16 * 1024, responses: [ScriptedResponse]) {
        let next = Mutex(0)
        self.init(chunkSize: chunkSize) { request in
            let index = next.withLock { value in
                defer { value += 1 }
                return value
            }
            guard index < responses.count else {
                return .transportError(
                    SysproBQError(
                        .internalError,
                        "ScriptedHTTPTransport has no response for request \(index + 1) (\(request))",
                        disposition: .terminal
                    )
                )
            }
            return responses[index]
        }
    }

    /// Every request received, in order.
    public var requests: [HTTPRequest] { record.withLock { $0.requests } }

    /// The body each request sent, in order: memory bodies as given, file bodies as read when the request
    /// was made (the file may be gone by the time a test looks), and `[]` for no body.
    public var requestBodies: [[UInt8]] { record.withLock { $0.bodies } }

    public func perform(
        _ request: HTTPRequest,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        // Refuse what the real client refuses, so a bad request fails in unit tests too.
        try request.validate()
        let body = try Self.bytes(of: request)
        record.withLock { record in
            record.requests.append(request)
            record.bodies.append(body)
        }
        switch handler(request) {
        case .respond(let status, let headers, let body):
            let head = HTTPResponseHead(status: status, headers: headers)
            try onHead(head)
            if request.method != .head { try deliver(body[...], to: onBody) }
            return head
        case .truncated(let status, let headers, let body, let deliverBytes):
            try onHead(HTTPResponseHead(status: status, headers: headers))
            try deliver(body.prefix(max(0, deliverBytes)), to: onBody)
            throw CurlFailure.error(
                code: CURLE_PARTIAL_FILE,
                detail: "transfer closed with \(max(0, body.count - deliverBytes)) bytes remaining to read (scripted)",
                request: request
            )
        case .transportError(let error):
            throw error
        case .timeout:
            throw CurlFailure.error(
                code: CURLE_OPERATION_TIMEDOUT,
                detail: "Operation timed out (scripted)",
                request: request
            )
        case .reset:
            throw CurlFailure.error(
                code: CURLE_RECV_ERROR,
                detail: "Recv failure: Connection reset by peer (scripted)",
                request: request
            )
        }
    }

    private func deliver(_ body: ArraySlice<UInt8>, to onBody: (UnsafeRawBufferPointer) throws -> Void) throws {
        var start = body.startIndex
        while start < body.endIndex {
            let end = min(start + chunkSize, body.endIndex)
            try body[start..<end].withUnsafeBytes { try onBody($0) }
            start = end
        }
    }

    private static func bytes(of request: HTTPRequest) throws -> [UInt8] {
        switch request.body {
        case .none: return []
        case .bytes(let bytes): return bytes
        case .file(let path):
            guard let file = fopen(path, "rb") else {
                throw SysproBQError(
                    .fileSystem,
                    "\(request) failed: the body file \(path) cannot be opened",
                    cause: .errno(errno, call: "fopen"),
                    disposition: .needsHuman
                )
            }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if count == 0 { break }
                bytes.append(contentsOf: buffer[..<count])
            }
            return bytes
        }
    }
}
