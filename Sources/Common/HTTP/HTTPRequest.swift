/// The body of an HTTP request.
///
/// This type is `Sendable`.
public enum HTTPRequestBody: Sendable, Hashable {
    /// No body.
    case none
    /// A body held in memory.
    case bytes([UInt8])
    /// A body streamed from a regular file while it is sent, never loaded whole. The file must not change
    /// while the request runs; its size is taken when the request starts and sent as `Content-Length`.
    case file(path: String)
}

/// User name and password for HTTP Basic authentication (RFC 7617).
///
/// `description`, `debugDescription` and the mirror never show the password, so a credential printed by
/// accident (string interpolation, `dump`, a test failure) leaks nothing. This type is `Sendable`.
public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public var description: String { "BasicCredentials(user: \(user), password: REDACTED)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "REDACTED"]) }
}

/// One HTTP request: what to send, and per-request overrides of the client's timeouts.
///
/// `description` shows the method and the URL with secrets removed (``Redaction/url(_:)``), never the
/// headers, body or credentials. This type is `Sendable`.
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    public var method: HTTPMethod
    /// An absolute `http` or `https` URL. Other schemes are refused.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: HTTPRequestBody
    /// Credentials sent with HTTP Basic authentication, when set.
    public var basicAuth: BasicCredentials?
    /// Seconds allowed to establish the connection (TCP and TLS); nil uses the client's configuration.
    public var connectTimeout: Double?
    /// Seconds allowed for the whole request, body included; nil uses the client's configuration.
    public var totalTimeout: Double?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [HTTPHeader] = [],
        body: HTTPRequestBody = .none,
        basicAuth: BasicCredentials? = nil,
        connectTimeout: Double? = nil,
        totalTimeout: Double? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.basicAuth = basicAuth
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// `METHOD url`, with the URL redacted.
    public var description: String { "\(method.rawValue) \(Redaction.url(url))" }
}
