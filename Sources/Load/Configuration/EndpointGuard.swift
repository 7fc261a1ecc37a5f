public import Common

/// Refuses endpoints that would send the service-account assertion or access tokens in clear text.
///
/// `https://` is always allowed. `http://` is allowed only when the configuration opts in for local tests, and
/// then only to `127.0.0.1`, `::1` or `localhost`, so a typo cannot leak a token over the network.
public enum EndpointGuard {
    /// Throws a configuration error when `url` is not acceptable.
    /// - Parameters:
    ///   - url: the endpoint.
    ///   - name: the configuration field, for the message.
    ///   - allowInsecureLocal: whether loopback `http://` is allowed.
    public static func check(_ url: String, name: String, allowInsecureLocal: Bool) throws(SysproBQError) {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return }
        guard lower.hasPrefix("http://") else {
            throw SysproBQError(
                .configuration,
                "\(name) '\(Redaction.url(url))' is not an https:// URL",
                disposition: .terminal
            )
        }
        guard allowInsecureLocal else {
            throw SysproBQError(
                .configuration,
                "\(name) '\(Redaction.url(url))' uses plain http://, which would send credentials unencrypted",
                remedy: "use https://; for a local emulator set allowInsecureLocalEndpoints (loopback hosts only)",
                disposition: .terminal
            )
        }
        let host = hostOf(lower)
        guard ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host) else {
            throw SysproBQError(
                .configuration,
                "\(name) '\(Redaction.url(url))' uses plain http:// to '\(host)'; only 127.0.0.1 and localhost may",
                remedy: "use https:// for any host that is not this machine",
                disposition: .terminal
            )
        }
    }

    /// The host of an `http://` URL, without user info or port.
    static func hostOf(_ url: String) -> String {
        var rest = Substring(url.dropFirst("http://".count))
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }
}

/// A parsed `gs://bucket/prefix` location.
public struct GCSLocation: Sendable, Hashable {
    public let bucket: String
    /// The object prefix without leading or trailing `/` (may be empty).
    public let prefix: String

    public init?(_ uri: String) {
        guard uri.hasPrefix("gs://") else { return nil }
        let rest = uri.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        let prefix = parts.count > 1 ? String(parts[1]) : ""
        self.prefix = String(prefix.split(separator: "/").joined(separator: "/"))
    }

    /// The object name for `fileName` under the prefix.
    public func objectName(_ fileName: String) -> String {
        prefix.isEmpty ? fileName : prefix + "/" + fileName
    }

    /// The `gs://` URI of `fileName` under the prefix.
    public func uri(_ fileName: String) -> String {
        "gs://\(bucket)/\(objectName(fileName))"
    }
}
