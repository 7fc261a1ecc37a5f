/// The status and header fields of an HTTP response.
///
/// This type is `Sendable`.
public struct HTTPResponseHead: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]

    public init(status: Int, headers: [HTTPHeader] = []) {
        self.status = status
        self.headers = headers
    }
}

/// An HTTP response whose body was collected in memory.
///
/// This type is `Sendable`.
public struct HTTPResponse: Sendable, Hashable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    public var status: Int { head.status }

    /// The start of the body as text, at most `maxBytes` bytes, for error causes (``SysproBQError/Cause/http(status:bodyExcerpt:)``).
    /// Invalid UTF-8 is replaced, and a cut body ends with `…`.
    public func bodyExcerpt(maxBytes: Int = 300) -> String {
        let text = String(decoding: body.prefix(maxBytes), as: UTF8.self)
        return body.count > maxBytes ? text + "…" : text
    }
}
