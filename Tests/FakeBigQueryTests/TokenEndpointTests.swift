import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("POST /token and bearer checks")
struct TokenEndpointTests {
    /// A correctly signed grant gets a fake- token with the configured lifetime.
    @Test func validGrantIssuesBearerToken() throws {
        let fake = try FakeHarness { $0.tokenLifetimeSeconds = 1200 }
        defer { fake.stop() }
        let result = try fake.requestToken(assertion: try fake.assertion())
        #expect(result.status == 200)
        #expect((result.json["access_token"] as? String)?.hasPrefix("fake-") == true)
        #expect(result.json["expires_in"] as? Int == 1200)
        #expect(result.json["token_type"] as? String == "Bearer")
    }

    /// A grant signed with another key is `invalid_grant` "Invalid JWT Signature.".
    @Test func signatureFromAnotherKeyIsInvalidGrant() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let otherKey = fake.directory.file("other.pem")
        try FakeHarness.makeKey(at: otherKey)
        let result = try fake.requestToken(assertion: try fake.assertion(signingKey: otherKey))
        #expect(result.status == 400)
        #expect(result.json["error"] as? String == "invalid_grant")
        #expect(result.json["error_description"] as? String == "Invalid JWT Signature.")
    }

    /// A header claiming another algorithm is refused even when the signature is RS256.
    @Test func nonRS256HeaderIsInvalidGrant() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let result = try fake.requestToken(assertion: try fake.assertion(header: ["alg": "HS256", "typ": "JWT"]))
        #expect(result.status == 400)
        #expect(result.json["error_description"] as? String == "Invalid JWT Signature.")
    }

    /// iat in the future beyond 60 s, a lifetime over an hour, or an expired grant get Google's clock-skew text.
    @Test(arguments: [(600, 4200), (-100, 3600), (-7200, -3600)])
    func outOfWindowTimesGetClockSkewText(iatOffset: Int, expOffset: Int) throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let now = fake.now
        let claims: [String: Any] = [
            "iss": FakeHarness.clientEmail, "scope": FakeHarness.bigQueryScope,
            "aud": "https://oauth2.googleapis.com/token", "iat": now + iatOffset, "exp": now + expOffset,
        ]
        let result = try fake.requestToken(assertion: try fake.assertion(claims: claims))
        #expect(result.status == 400)
        #expect(result.json["error"] as? String == "invalid_grant")
        #expect(
            result.json["error_description"] as? String
                == "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
                + "your iat and exp values and use a clock with skew to account for clock differences between systems."
        )
    }

    /// A grant without a BigQuery scope is `invalid_scope`; a foreign issuer is `invalid_grant`.
    @Test func wrongScopeOrIssuerIsRejected() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let now = fake.now
        var claims: [String: Any] = [
            "iss": FakeHarness.clientEmail, "scope": "https://www.googleapis.com/auth/devstorage.read_only",
            "aud": "https://oauth2.googleapis.com/token", "iat": now, "exp": now + 3600,
        ]
        let scoped = try fake.requestToken(assertion: try fake.assertion(claims: claims))
        #expect(scoped.json["error"] as? String == "invalid_scope")
        claims["scope"] = FakeHarness.bigQueryScope
        claims["iss"] = "someone@else.iam.gserviceaccount.com"
        let foreign = try fake.requestToken(assertion: try fake.assertion(claims: claims))
        #expect(foreign.json["error"] as? String == "invalid_grant")
    }

    /// Any grant type other than the JWT bearer grant is `unsupported_grant_type`.
    @Test func otherGrantTypeIsUnsupported() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let result = try fake.requestToken(assertion: try fake.assertion(), grantType: "client_credentials")
        #expect(result.status == 400)
        #expect(result.json["error"] as? String == "unsupported_grant_type")
    }

    /// An API call without a bearer token gets Google's 401 `authError` body.
    @Test func apiCallWithoutTokenIs401() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let result = try Curl.send("GET", "\(fake.api)/datasets/ds")
        #expect(result.status == 401)
        #expect(result.errorReason == "authError")
        #expect((result.json["error"] as? [String: Any])?["status"] as? String == "UNAUTHENTICATED")
        #expect(result.errorMessage?.hasPrefix("Request had invalid authentication credentials.") == true)
    }

    /// After /_fake/expire-tokens, a token that worked gets 401 until the client fetches a new one.
    @Test func expiredTokensNeedRefresh() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let token = try fake.token()
        let auth = [("Authorization", "Bearer \(token)")]
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 404)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/expire-tokens").status == 200)
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 401)
        let fresh = [("Authorization", "Bearer \(try fake.token())")]
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: fresh).status == 404)
    }

    /// Tokens expire by themselves after --token-lifetime seconds.
    @Test func tokensExpireAfterTheirLifetime() throws {
        let clock = ManualClockBox.make()
        let fake = try FakeHarness(clock: clock) { $0.tokenLifetimeSeconds = 60 }
        defer { fake.stop() }
        let auth = [("Authorization", "Bearer \(try fake.token())")]
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 404)
        clock.advance(by: 61)
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 401)
    }

    /// With an early expiry, a token says it lives an hour but is refused after the early limit.
    @Test func earlyExpiryRevokesBeforeExpiresIn() throws {
        let clock = ManualClockBox.make()
        let fake = try FakeHarness(clock: clock) { $0.tokenEarlyExpirySeconds = 5 }
        defer { fake.stop() }
        let grant = try fake.requestToken(assertion: try fake.assertion())
        #expect(grant.json["expires_in"] as? Int == 3600)
        let auth = [("Authorization", "Bearer \(grant.json["access_token"] as? String ?? "")")]
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 404)
        clock.advance(by: 6)
        #expect(try Curl.send("GET", "\(fake.api)/datasets/none", headers: auth).status == 401)
    }
}
