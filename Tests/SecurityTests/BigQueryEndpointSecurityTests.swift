import Common
import Foundation
import Load
import Testing

/// Google endpoints carry the service-account assertion and access tokens: plain `http://` is refused unless
/// `allowInsecureLocalEndpoints` is set, and then only for loopback hosts; over HTTPS the token exchange verifies
/// the server's certificate by default.
@Suite struct BigQueryEndpointSecurityTests {
    /// A throwaway RSA key in a service-account key file whose `token_uri` is `tokenURI`.
    static func key(tokenURI: String) throws -> ServiceAccountKey {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "security-key-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let object: [String: String] = [
            "type": "service_account", "project_id": "security-test", "private_key_id": "kid-security",
            "private_key": try String(contentsOfFile: path, encoding: .utf8),
            "client_email": "loader@security-test.iam.gserviceaccount.com", "token_uri": tokenURI,
        ]
        return try ServiceAccountKey(json: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    static func configuration(
        apiBaseURL: String = "https://bigquery.googleapis.com",
        tokenURI: String? = nil,
        allowInsecureLocalEndpoints: Bool = false
    ) -> BigQueryConfiguration {
        BigQueryConfiguration(
            projectID: "security-test",
            datasetID: "raw",
            apiBaseURL: apiBaseURL,
            tokenURI: tokenURI,
            allowInsecureLocalEndpoints: allowInsecureLocalEndpoints,
            retryPolicy: .immediate(maxAttempts: 2)
        )
    }

    /// `http://` Google endpoints are refused by default, naming the setting that allows loopback ones.
    @Test(
        arguments: [
            ("http://bigquery.googleapis.com", nil),
            ("https://bigquery.googleapis.com", "http://oauth2.googleapis.com/token"),
            ("http://127.0.0.1:9050", nil), ("https://bigquery.googleapis.com", "http://localhost:9051/token"),
        ] as [(String, String?)]
    )
    func plainHTTPIsRefusedByDefault(apiBaseURL: String, tokenURI: String?) {
        let error = #expect(throws: SysproBQError.self) {
            try Self.configuration(apiBaseURL: apiBaseURL, tokenURI: tokenURI).validate()
        }
        #expect(error?.code == .configuration)
        #expect(error?.remedy?.contains("allowInsecureLocalEndpoints") == true)
    }

    /// With `allowInsecureLocalEndpoints`, `http://` is accepted for loopback hosts only.
    @Test func insecureFlagAllowsLoopbackOnly() throws {
        try Self.configuration(
            apiBaseURL: "http://127.0.0.1:9050",
            tokenURI: "http://localhost:9051/token",
            allowInsecureLocalEndpoints: true
        ).validate()
        for remote in ["http://bigquery.googleapis.com", "http://10.0.0.5:9050", "http://127.0.0.1.example.com"] {
            #expect(throws: SysproBQError.self, "\(remote)") {
                try Self.configuration(apiBaseURL: remote, allowInsecureLocalEndpoints: true).validate()
            }
        }
    }

    /// A key file whose `token_uri` is `http://` is refused before any request, unless the flag allows loopback.
    @Test func plainHTTPTokenURIInTheKeyIsRefused() throws {
        let key = try Self.key(tokenURI: "http://oauth2.googleapis.com/token")
        #expect(throws: SysproBQError.self) {
            _ = try ServiceAccountAuthenticator(key: key, configuration: Self.configuration(), clock: ManualClock())
        }
        #expect(throws: SysproBQError.self) {
            _ = try ServiceAccountAuthenticator(
                key: key,
                configuration: Self.configuration(allowInsecureLocalEndpoints: true),
                clock: ManualClock()
            )
        }
    }

    /// The token exchange over HTTPS to a self-signed server: refused by a default libcurl client (needs a human),
    /// accepted by one given the certificate as CA bundle.
    @Test func tokenExchangeVerifiesTLS() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TLSAnswerServer(
            certificate: certificate,
            answers: [
                .init(
                    contains: "/token",
                    type: "application/json",
                    body: #"{"access_token":"ya29.security-test","expires_in":3600,"token_type":"Bearer"}"#
                )
            ]
        )
        let authenticator = try ServiceAccountAuthenticator(
            key: try Self.key(tokenURI: server.url("/token")),
            configuration: Self.configuration(),
            clock: ManualClock()
        )
        let refused = #expect(throws: SysproBQError.self) {
            _ = try authenticator.accessToken(using: try CurlHTTPClient())
        }
        #expect(refused?.code == .transport)
        #expect(refused?.disposition == .needsHuman)
        #expect(authenticator.tokenFetches == 0)

        let trusting = try CurlHTTPClient(
            configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath)
        )
        _ = try authenticator.accessToken(using: trusting)
        #expect(authenticator.tokenFetches == 1)
    }
}
