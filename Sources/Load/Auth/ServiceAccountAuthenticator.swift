public import Common
import Foundation

/// Gets and caches OAuth access tokens for a service account with the JWT bearer grant (RFC 7523), the way
/// google-auth does: RS256 assertion, `exp = iat + 3600`, refresh when less than 225 s remain, retry the token
/// call only on transient answers.
///
/// The key, the assertion and the tokens never appear in a description, log line or error (decision 8).
///
/// Thread-safety: `Sendable`; one authenticator serves every insertAll thread. The cache is guarded by a lock,
/// and a refresh runs under it so that concurrent callers wait for one refresh instead of starting several.
/// The refresh uses the caller's transport, so each thread keeps its own HTTP client.
public final class ServiceAccountAuthenticator: Sendable, CustomStringConvertible {
    private let key: ServiceAccountKey
    private let tokenEndpoint: String
    private let audience: String
    private let scope: String
    private let retryPolicy: RetryPolicy
    private let clock: any WallClock
    private let state = NSLock()
    nonisolated(unsafe) private var cached: AccessToken?
    nonisolated(unsafe) private var refreshes = 0

    /// - Parameters:
    ///   - key: the parsed service-account key.
    ///   - configuration: supplies the token URI override, audience, scope and retry policy.
    ///   - clock: the time source for `iat` and expiry.
    /// - Throws: a configuration error when the token endpoint is not acceptable (``EndpointGuard``).
    public init(
        key: ServiceAccountKey,
        configuration: BigQueryConfiguration,
        clock: any WallClock
    ) throws(SysproBQError) {
        self.key = key
        self.tokenEndpoint = configuration.tokenURI ?? key.tokenURI
        self.audience = configuration.tokenAudience
        self.scope = configuration.scope
        self.retryPolicy = configuration.retryPolicy
        self.clock = clock
        try EndpointGuard.check(
            tokenEndpoint,
            name: configuration.tokenURI == nil ? "the key's token_uri" : "tokenURI",
            allowInsecureLocal: configuration.allowInsecureLocalEndpoints
        )
    }

    public var description: String { "ServiceAccountAuthenticator(\(key.clientEmail))" }

    /// How many tokens were fetched so far.
    public var tokenFetches: Int { state.withLock { refreshes } }

    /// A token valid for at least 225 more seconds, from the cache or fetched with `transport`.
    public func accessToken(using transport: any HTTPTransport) throws -> AccessToken {
        state.lock()
        defer { state.unlock() }
        if let cached, !cached.needsRefresh(at: clock.now()) { return cached }
        let token = try fetch(using: transport)
        cached = token
        refreshes += 1
        return token
    }

    /// Drops `token` from the cache after BigQuery refused it (401), so the next call fetches a new one.
    /// A token that was already replaced by another thread is left alone.
    public func invalidate(_ token: AccessToken) {
        state.withLock {
            if cached == token { cached = nil }
        }
    }

    /// The signed assertion for `now`: `base64url(header).base64url(claims).base64url(RS256 signature)`.
    func assertion(at now: Date) throws -> String {
        let header = TokenRequestBuilder.header(keyID: key.privateKeyID)
        let claims = TokenRequestBuilder.claims(
            email: key.clientEmail,
            scope: scope,
            audience: audience,
            issuedAt: Int64(now.timeIntervalSince1970.rounded(.down))
        )
        let signingInput = Base64URL.encode(header.bytes) + "." + Base64URL.encode(claims.bytes)
        let signature = try JWTSigner.sign(Array(signingInput.utf8), pemPrivateKey: key.privateKeyPEM)
        return signingInput + "." + Base64URL.encode(signature)
    }

    private func fetch(using transport: any HTTPTransport) throws -> AccessToken {
        var retry = RetryState(policy: retryPolicy)
        while true {
            let now = clock.now()
            let request = HTTPRequest(
                method: .post,
                url: tokenEndpoint,
                headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                body: .bytes(TokenRequestBuilder.formBody(assertion: try assertion(at: now))),
                totalTimeout: 60
            )
            let failure: SysproBQError
            do {
                let response = try transport.perform(request, maxBodyBytes: 1 << 20)
                do {
                    return try TokenResponse.parse(
                        status: response.status,
                        body: response.body,
                        now: now,
                        endpoint: tokenEndpoint
                    )
                } catch {
                    failure = error
                }
            } catch let error as SysproBQError {
                failure = error
            }
            switch retry.recordFailure(failure, random: Double.random(in: 0..<1)) {
            case .retry(let delay): clock.sleep(seconds: delay)
            case .giveUp: throw failure
            }
        }
    }
}
