/// Builds the JWT bearer grant (RFC 7523) for a service account: header, claims and the form body.
///
/// Pure: the signature itself is made by ``JWTSigner`` so this part can be tested against golden text.
enum TokenRequestBuilder {
    /// `{"alg":"RS256","typ":"JWT","kid":"<private_key_id>"}`, as google-auth `jwt.encode` writes it.
    static func header(keyID: String) -> JSONValue {
        ["alg": "RS256", "typ": "JWT", "kid": .string(keyID)]
    }

    /// The claims: `iss`, `scope`, `aud`, `iat`, `exp = iat + 3600` (the maximum Google accepts).
    static func claims(email: String, scope: String, audience: String, issuedAt: Int64) -> JSONValue {
        [
            "iss": .string(email), "scope": .string(scope), "aud": .string(audience), "iat": .int(issuedAt),
            "exp": .int(issuedAt + lifetime),
        ]
    }

    /// The assertion lifetime in seconds.
    static let lifetime: Int64 = 3600

    /// The form body `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=<JWT>`.
    /// The JWT is base64url and dots, which need no percent-encoding.
    static func formBody(assertion: String) -> [UInt8] {
        Array("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)".utf8)
    }
}
