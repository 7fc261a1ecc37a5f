/// Checks JWT-bearer grants (RFC 7523) the way Google's token endpoint does and answers with a token or
/// the OAuth error body (https://developers.google.com/identity/protocols/oauth2/service-account).
///
/// Pure: the signature check is injected, and the caller stores the issued token. `Sendable`.
struct TokenAuthority: Sendable {
    /// Verifies an RS256 signature over the signing input with the service account's public key.
    typealias SignatureCheck = @Sendable (_ signingInput: [UInt8], _ signature: [UInt8]) -> Bool

    /// The grant type of a service-account token request.
    static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// The audience google-auth always puts in the assertion.
    static let googleAudience = "https://oauth2.googleapis.com/token"
    /// Scopes that grant BigQuery access (bigquery.md A2).
    static let acceptedScopes: Set<String> = [
        "https://www.googleapis.com/auth/bigquery",
        "https://www.googleapis.com/auth/bigquery.insertdata",
        "https://www.googleapis.com/auth/cloud-platform",
    ]
    /// Google's exact text for an `iat`/`exp` outside the allowed window (php-client #1501).
    static let clockSkewDescription =
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat "
        + "and exp values and use a clock with skew to account for clock differences between systems."

    let clientEmail: String
    let verifySignature: SignatureCheck

    /// The outcome of one grant.
    enum Decision: Sendable, Equatable {
        case issue
        case reject(error: String, description: String)
    }

    /// Decides a form-encoded token request body at time `now` (epoch seconds). `tokenURL` is this
    /// server's own `/token` address, accepted as an audience besides Google's.
    func decide(form: [(name: String, value: String)], now: Double, tokenURL: String) -> Decision {
        let grantType = form.first { $0.name == "grant_type" }?.value ?? ""
        guard grantType == Self.jwtBearerGrant else {
            return .reject(error: "unsupported_grant_type", description: "Invalid grant_type: \(grantType)")
        }
        let badSignature = Decision.reject(error: "invalid_grant", description: "Invalid JWT Signature.")
        guard let text = form.first(where: { $0.name == "assertion" })?.value, let jwt = JWTAssertion(text) else {
            return badSignature
        }
        guard jwt.header["alg"]?.stringValue == "RS256", verifySignature(jwt.signingInput, jwt.signature) else {
            return badSignature
        }
        guard jwt.claims["iss"]?.stringValue == clientEmail else {
            return .reject(error: "invalid_grant", description: "Invalid email or User ID")
        }
        let audience = jwt.claims["aud"]?.stringValue ?? ""
        guard audience == Self.googleAudience || audience == tokenURL else {
            return .reject(
                error: "invalid_grant",
                description: "Invalid JWT: Failed audience check. The right audience is \(Self.googleAudience)"
            )
        }
        let scopes = (jwt.claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init)
        guard scopes.contains(where: Self.acceptedScopes.contains) else {
            return .reject(error: "invalid_scope", description: "Invalid OAuth scope or ID token audience provided.")
        }
        guard let issuedAt = jwt.claims["iat"].flatMap(Self.seconds),
            let expiry = jwt.claims["exp"].flatMap(Self.seconds),
            issuedAt <= now + 60, expiry > issuedAt, expiry - issuedAt <= 3600, expiry > now
        else {
            return .reject(error: "invalid_grant", description: Self.clockSkewDescription)
        }
        return .issue
    }

    /// Reads a NumericDate claim (RFC 7519 §2): a JSON number of seconds, possibly with a fraction.
    private static func seconds(_ value: JSONValue) -> Double? {
        guard case .number(let text) = value else { return nil }
        return Double(text)
    }
}
