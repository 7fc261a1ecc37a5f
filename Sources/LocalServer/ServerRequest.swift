/// One HTTP request as the handler sees it, fully read (headers and body).
///
/// A value type: safe to pass between threads.
public struct ServerRequest: Sendable {
    /// The method exactly as sent (`GET`, `POST`, ...).
    public let method: String
    /// The raw request target: path and query as sent, still percent-encoded.
    public let target: String
    /// The path part of the target, percent-decoded (`%20` → space; `+` stays `+`).
    public let path: String
    /// The query part of the target after `?`, as sent (empty when there is none).
    public let rawQuery: String
    /// Query items in order, names and values percent-decoded; `+` is NOT turned into a space.
    public let queryItems: [(name: String, value: String)]
    /// Header lines in order, names as sent.
    public let headers: [(String, String)]
    /// The body, de-chunked when it was sent chunked.
    public let body: [UInt8]
    /// The peer as `host:port`.
    public let remoteAddress: String

    public init(
        method: String,
        target: String,
        path: String,
        rawQuery: String,
        queryItems: [(name: String, value: String)],
        headers: [(String, String)],
        body: [UInt8],
        remoteAddress: String
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.rawQuery = rawQuery
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first header with this name, compared case-insensitively (ASCII), or nil.
    public func header(_ name: String) -> String? {
        headers.first { Self.asciiCaseInsensitiveEquals($0.0, name) }?.1
    }

    /// The first query item with this name (case-sensitive), or nil.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The first query item whose name matches case-insensitively, or nil (e.net parameter names).
    public func queryIgnoringCase(_ name: String) -> String? {
        queryItems.first { Self.asciiCaseInsensitiveEquals($0.name, name) }?.value
    }

    /// Decodes the body as `application/x-www-form-urlencoded`: `+` is a space here, as HTML forms send it.
    ///
    /// - Returns: nil when the body holds an invalid percent escape.
    public func formItems() -> [(name: String, value: String)]? {
        PercentDecoding.queryItems(String(decoding: body, as: UTF8.self), plusIsSpace: true)
    }

    static func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 65 && x <= 90) ? x + 32 : x
            let ly = (y >= 65 && y <= 90) ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}
