import Common
import Foundation
import Testing

@testable import Load

@Suite struct AuthenticatorTests {
    static let configuration = BigQueryConfiguration(projectID: "p", datasetID: "ds")

    static func authenticator(
        clock: ManualClock,
        configuration: BigQueryConfiguration = configuration
    ) throws
        -> ServiceAccountAuthenticator
    {
        try ServiceAccountAuthenticator(
            key: try ServiceAccountKey(json: TestKey.keyJSON()),
            configuration: configuration,
            clock: clock
        )
    }

    /// The assertion's header and claims are exactly google-auth's, and the signature verifies with openssl.
    @Test func assertionIsGoldenAndVerifies() throws {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_764_000_000))
        let jwt = try Self.authenticator(clock: clock).assertion(at: clock.now())
        let parts = jwt.split(separator: ".")
        try #require(parts.count == 3)
        #expect(
            String(decoding: base64URLDecode(parts[0]), as: UTF8.self)
                == #"{"alg":"RS256","typ":"JWT","kid":"kid-0123abcd"}"#
        )
        #expect(
            String(decoding: base64URLDecode(parts[1]), as: UTF8.self)
                == #"{"iss":"loader@test-project.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/bigquery","#
                + #""aud":"https://oauth2.googleapis.com/token","iat":1764000000,"exp":1764003600}"#
        )
        #expect(!jwt.contains("="))
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        #expect(try TestKey.verify(message: signingInput, signature: base64URLDecode(parts[2])))
        #expect(try !TestKey.verify(message: signingInput + [0x20], signature: base64URLDecode(parts[2])))
    }

    /// The token request is a form POST of the JWT bearer grant to the key's token_uri.
    @Test func tokenRequestIsTheJWTBearerGrant() throws {
        let fake = FakeGoogle { _, _ in okBody }
        let clock = ManualClock()
        let token = try Self.authenticator(clock: clock).accessToken(using: fake.transport)
        #expect(token.value == "ya29.token-1")
        let request = try #require(fake.transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url == "https://oauth2.googleapis.com/token")
        #expect(request.headers.value(for: "Content-Type") == "application/x-www-form-urlencoded")
        let body = String(decoding: fake.transport.requestBodies[0], as: UTF8.self)
        #expect(body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"))
    }

    /// A token is reused until fewer than 225 s remain, then fetched again.
    @Test func tokenIsCachedAndRefreshedAhead() throws {
        let fake = FakeGoogle { _, _ in okBody }
        let clock = ManualClock()
        let authenticator = try Self.authenticator(clock: clock)
        _ = try authenticator.accessToken(using: fake.transport)
        clock.advance(by: 3599 - 226)
        #expect(try authenticator.accessToken(using: fake.transport).value == "ya29.token-1")
        clock.advance(by: 2)
        #expect(try authenticator.accessToken(using: fake.transport).value == "ya29.token-2")
        #expect(fake.tokensIssued == 2)
    }

    /// `expires_in` may be a string.
    @Test func expiresInMayBeAString() throws {
        let now = Date(timeIntervalSince1970: 0)
        let token = try TokenResponse.parse(
            status: 200,
            body: Array(#"{"access_token":"t","expires_in":"100"}"#.utf8),
            now: now,
            endpoint: "https://x/token"
        )
        #expect(token.expiresAt == Date(timeIntervalSince1970: 100))
    }

    /// A 401 from BigQuery drops the token, fetches a new one and retries the call once.
    @Test func unauthorizedRefreshesOnceAndRetries() throws {
        var calls = 0
        let fake = FakeGoogle { request, _ in
            calls += 1
            if calls == 1 { return errorBody(401, reason: "authError") }
            #expect(request.headers.value(for: "Authorization") == "Bearer ya29.token-2")
            return okBody
        }
        let client = BigQueryClient(
            configuration: Self.configuration,
            transport: fake.transport,
            authenticator: try Self.authenticator(clock: ManualClock()),
            clock: ManualClock(),
            logger: StagingFixture.logger
        )
        let response = try client.call(client.jsonRequest(.get, client.paths.datasetURL), operation: "read")
        #expect(response.status == 200)
        #expect(client.statistics.tokenRefreshes == 1)
        #expect(fake.tokensIssued == 2)
    }

    /// A second 401 after a fresh token needs a human.
    @Test func secondUnauthorizedNeedsAHuman() throws {
        let fake = FakeGoogle { _, _ in errorBody(401, reason: "authError") }
        let client = BigQueryClient(
            configuration: Self.configuration,
            transport: fake.transport,
            authenticator: try Self.authenticator(clock: ManualClock()),
            clock: ManualClock(),
            logger: StagingFixture.logger
        )
        do {
            _ = try client.call(client.jsonRequest(.get, client.paths.datasetURL), operation: "read")
            Issue.record("expected a failure")
        } catch let error as SysproBQError {
            #expect(error.disposition == .needsHuman)
            #expect(fake.requests.count == 2)
        }
    }

    /// invalid_grant answers say what is likely wrong.
    @Test(arguments: [
        (
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values",
            "check the machine clock (NTP)"
        ),
        ("Invalid JWT Signature.", "key was deleted"),
        ("Invalid email or User ID", "client_email"),
    ])
    func invalidGrantExplainsTheLikelyCause(description: String, hint: String) {
        let body = Array(#"{"error":"invalid_grant","error_description":"\#(description)"}"#.utf8)
        let error = TokenResponse.error(status: 400, body: body, endpoint: "https://oauth2.googleapis.com/token")
        #expect(error.disposition == .needsHuman)
        #expect(error.code == .credentials)
        #expect(error.remedy?.contains(hint) == true)
    }

    /// The token call is retried only where google-auth retries it.
    @Test(arguments: [
        (500, "", true), (503, "", true), (504, "", true), (408, "", true), (429, "", true),
        (400, "temporarily_unavailable", true), (400, "internal_failure", true), (400, "invalid_grant", false),
        (401, "unauthorized_client", false), (502, "", false),
    ])
    func tokenRetriesFollowGoogleAuth(status: Int, code: String, retryable: Bool) {
        let body = Array(#"{"error":"\#(code)"}"#.utf8)
        #expect(TokenResponse.error(status: status, body: body, endpoint: "https://x/token").isRetryable == retryable)
    }

    /// A transient token failure is retried through the clock, then succeeds.
    @Test func transientTokenFailureIsRetried() throws {
        var first = true
        let transport = ScriptedHTTPTransport(responses: [
            .respond(status: 503, text: #"{"error":"server_error"}"#),
            .respond(status: 200, text: #"{"access_token":"ok","expires_in":3600}"#),
        ])
        first = false
        let clock = ManualClock()
        let token = try Self.authenticator(clock: clock).accessToken(using: transport)
        #expect(!first && token.value == "ok")
        #expect(clock.sleeps.count == 1)
    }

    /// A token endpoint that stays down is retried by the authenticator only, not again by each API call.
    @Test func tokenOutageIsRetriedOnce() throws {
        let transport = ScriptedHTTPTransport { _ in .respond(status: 503, text: #"{"error":"server_error"}"#) }
        let clock = ManualClock()
        let configuration = testConfiguration()
        let client = BigQueryClient(
            configuration: configuration,
            transport: transport,
            authenticator: try Self.authenticator(clock: clock, configuration: configuration),
            clock: clock,
            logger: StagingFixture.logger
        )
        #expect(throws: SysproBQError.self) {
            try client.call(client.jsonRequest(.get, client.paths.datasetURL), operation: "read")
        }
        #expect(transport.requests.count == configuration.retryPolicy.maxAttempts)
        #expect(transport.requests.allSatisfy { $0.url.hasSuffix("/token") })
    }

    /// The key, the JWT and the token never appear in descriptions or errors.
    @Test func secretsNeverAppearInOutput() throws {
        let key = try ServiceAccountKey(json: TestKey.keyJSON())
        let pemBody = TestKey.material.privatePEM.split(separator: "\n")[1]
        let clock = ManualClock()
        let authenticator = try Self.authenticator(clock: clock)
        let jwt = try authenticator.assertion(at: clock.now())
        let token = AccessToken(value: "ya29.secret-token", expiresAt: clock.now())
        let texts = [
            "\(key)", String(reflecting: key), "\(authenticator)", "\(token)", String(reflecting: token),
            TokenResponse.error(
                status: 400,
                body: Array(#"{"error":"invalid_grant"}"#.utf8),
                endpoint: "https://x/token"
            )
            .detailedDescription,
        ]
        for text in texts {
            #expect(!text.contains(pemBody))
            #expect(!text.contains("PRIVATE KEY"))
            #expect(!text.contains(jwt.prefix(40)))
            #expect(!text.contains("ya29.secret-token"))
        }
        let bad = Array(#"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\nSECRETBYTES"}"#.utf8)
        do {
            _ = try ServiceAccountKey(json: bad)
            Issue.record("expected a failure")
        } catch {
            #expect(!error.detailedDescription.contains("SECRETBYTES"))
        }
    }

    /// A plain-http token URI is refused unless local endpoints are allowed, and then only on loopback.
    @Test func insecureTokenURIIsRefused() throws {
        var configuration = Self.configuration
        configuration.tokenURI = "http://127.0.0.1:1/token"
        #expect(throws: SysproBQError.self) {
            try Self.authenticator(clock: ManualClock(), configuration: configuration)
        }
        configuration.allowInsecureLocalEndpoints = true
        _ = try Self.authenticator(clock: ManualClock(), configuration: configuration)
    }
}
