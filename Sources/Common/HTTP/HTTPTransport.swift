/// The HTTP seam (STYLE.md §18): libcurl in production (``CurlHTTPClient``), a scripted fault injector in
/// tests (``ScriptedHTTPTransport``).
///
/// A transport sends one request and streams the response: ``perform(_:onHead:onBody:)`` calls `onHead`
/// once with the final response head, then `onBody` with each piece of the body as it arrives, so a body
/// never has to fit in memory.
///
/// A transport throws ``SysproBQError`` with code `.transport` for failures of the exchange itself:
/// connect failures, timeouts, resets, TLS failures and truncated bodies (a `Content-Length` that was not
/// met or a chunked body without its last chunk is an error, never short data). These are `.retryable`,
/// except TLS certificate verification failures, which are `.needsHuman`. HTTP error statuses are **not**
/// thrown: the caller classifies them (``HTTPStatusClass``), because only the caller knows what a 404 or a
/// 409 means for its protocol.
///
/// When `perform` throws after `onBody` was called, the pieces delivered so far are an incomplete body:
/// the caller must discard them (an OData page cut short is not a shorter page).
///
/// Conformers state their own thread-safety: ``CurlHTTPClient`` is for one thread at a time.
public protocol HTTPTransport: AnyObject {
    /// Sends `request` and streams the response.
    ///
    /// - Parameters:
    ///   - request: what to send.
    ///   - onHead: called once with the final response head (never with `1xx` interim heads), before any body.
    ///   - onBody: called with each piece of the body, in order. The buffer is valid only during the call.
    /// - Returns: the final response head.
    /// - Throws: ``SysproBQError`` (`.transport`, and others for bad requests), or whatever `onHead` or
    ///   `onBody` throws, which aborts the transfer.
    func perform(
        _ request: HTTPRequest,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead
}

extension HTTPTransport {
    /// Sends `request` and collects the whole body in memory.
    ///
    /// - Parameters:
    ///   - request: what to send.
    ///   - maxBodyBytes: the largest body accepted; a larger one aborts the transfer.
    /// - Returns: the final head and the body.
    /// - Throws: what ``perform(_:onHead:onBody:)`` throws, and a `.protocolViolation` error (terminal) when the
    ///   body is larger than `maxBodyBytes`.
    public func perform(_ request: HTTPRequest, maxBodyBytes: Int = 64 << 20) throws -> HTTPResponse {
        var body: [UInt8] = []
        let head = try perform(
            request,
            onHead: { head in
                if let length = head.headers.value(for: "Content-Length").flatMap(Int.init), length > 0 {
                    body.reserveCapacity(Swift.min(length, maxBodyBytes))
                }
            },
            onBody: { chunk in
                guard body.count + chunk.count <= maxBodyBytes else {
                    throw SysproBQError(
                        .protocolViolation,
                        "The response body of \(request) is larger than \(maxBodyBytes) bytes",
                        remedy: "Request smaller pages, or read this response with the streaming perform call.",
                        disposition: .terminal
                    )
                }
                body.append(contentsOf: chunk)
            }
        )
        return HTTPResponse(head: head, body: body)
    }
}
