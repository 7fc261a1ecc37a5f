/// One HTTP request as the fake sees it, independent of the server that received it.
///
/// A value type; safe to pass between threads.
public struct FakeRequest: Sendable {
    public let method: String
    /// The path without the query, still percent-encoded.
    public let path: String
    /// Decoded query parameters in order.
    public let query: [(name: String, value: String)]
    /// Header fields in order, names as received.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(
        method: String,
        path: String,
        query: [(name: String, value: String)],
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first header named `name`, compared case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The first query parameter named `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The path split on `/`, each segment percent-decoded, empty segments dropped.
    var pathSegments: [String] {
        path.split(separator: "/").map { FormEncoding.percentDecode(String($0), plusIsSpace: false) }
    }
}

/// What the fake wants the server to do with a connection.
public enum FakeResponse: Sendable {
    /// Send a complete response.
    case respond(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// Drop the connection without a response (an RST where the platform allows it).
    case reset
    /// Hold the connection open, send nothing, then close it.
    case hang(seconds: Double)
    /// Declare the full `Content-Length` of this response, send half its body, then close the connection.
    case truncated(status: Int, headers: [(name: String, value: String)], body: [UInt8])

    /// A JSON response with `Content-Type: application/json; charset=UTF-8`.
    static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> FakeResponse {
        .respond(
            status: status,
            headers: [("Content-Type", "application/json; charset=UTF-8")] + headers,
            body: value.renderedBytes
        )
    }

    /// A plain-text or NDJSON response.
    static func text(_ status: Int, _ text: String, contentType: String) -> FakeResponse {
        .respond(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// The status code, or `nil` for a reset or hang.
    public var status: Int? {
        if case .respond(let status, _, _) = self { return status }
        return nil
    }
}
