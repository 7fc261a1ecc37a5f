/// Settings of a ``CurlHTTPClient`` that hold for every request it sends.
///
/// Timeouts are in seconds. ``HTTPRequest`` can override the connect and total timeouts per request. This
/// type is `Sendable`.
public struct HTTPClientConfiguration: Sendable {
    /// Seconds allowed to establish a connection (TCP and TLS handshake).
    public var connectTimeout: Double
    /// Seconds allowed for a whole request, from connect to the last body byte.
    public var totalTimeout: Double
    /// Abort a transfer slower than `bytesPerSecond` for `seconds` in a row; nil disables the check. Useful
    /// for long downloads whose total time cannot be bounded in advance.
    public var lowSpeedTimeout: (bytesPerSecond: Int, seconds: Int)?
    /// Verify the server's TLS certificate and host name. Only a test against a self-signed server should
    /// turn this off.
    public var verifyTLS: Bool
    /// A PEM file of certificate authorities to trust instead of the system store, for servers whose
    /// certificate is signed by a private CA.
    public var caBundlePath: String?
    /// The `User-Agent` header sent with every request.
    public var userAgent: String
    /// How many redirects to follow; 0 (the default) returns a 3xx response to the caller as it is.
    public var maxRedirects: Int

    public init(
        connectTimeout: Double = 10,
        totalTimeout: Double = 120,
        lowSpeedTimeout: (bytesPerSecond: Int, seconds: Int)? = nil,
        verifyTLS: Bool = true,
        caBundlePath: String? = nil,
        userAgent: String = SysproBQVersion.userAgent,
        maxRedirects: Int = 0
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedTimeout = lowSpeedTimeout
        self.verifyTLS = verifyTLS
        self.caBundlePath = caBundlePath
        self.userAgent = userAgent
        self.maxRedirects = maxRedirects
    }
}
