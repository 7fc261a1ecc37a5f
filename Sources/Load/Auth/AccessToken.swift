public import Foundation

/// An OAuth access token and when it expires. The value is secret: ``description`` never shows it.
///
/// This type is a value type and is `Sendable`.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The bearer token. Secret.
    let value: String
    /// When Google stops accepting it.
    public let expiresAt: Date

    init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// The `Authorization` header value.
    var authorizationHeader: String { "Bearer " + value }

    /// Whether the token must be refreshed at `now`: google-auth refreshes when less than 3 min 45 s remain
    /// (`REFRESH_THRESHOLD` in `google/auth/_helpers.py`), so a request never starts with a token about to expire.
    func needsRefresh(at now: Date) -> Bool {
        expiresAt.timeIntervalSince(now) < AccessToken.refreshThreshold
    }

    /// 225 seconds.
    static let refreshThreshold: Double = 225

    public var description: String { "AccessToken(REDACTED, expires: \(expiresAt))" }
    public var debugDescription: String { description }
}
