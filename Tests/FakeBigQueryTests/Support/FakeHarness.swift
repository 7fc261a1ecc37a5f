import Common
import FakeBigQueryKit
import Foundation
import Logging

/// A fake BigQuery on an ephemeral 127.0.0.1 port with a fresh service-account key, for one test.
///
/// Call `stop()` at the end (it also removes the temporary directory).
final class FakeHarness {
    static let clientEmail = "loader@test-project.iam.gserviceaccount.com"
    static let bigQueryScope = "https://www.googleapis.com/auth/bigquery"

    let directory: TemporaryDirectory
    let server: FakeBigQueryServer
    let port: UInt16
    let clock: ManualClock?

    var base: String { "http://127.0.0.1:\(port)" }
    var api: String { "\(base)/bigquery/v2/projects/test-project" }
    var upload: String { "\(base)/upload/bigquery/v2/projects/test-project" }
    var keyPath: String { directory.file("key.pem") }

    /// Starts the fake. `configure` adjusts the configuration; `clock` replaces the system clock.
    init(clock: ManualClock? = nil, configure: (inout FakeBigQueryConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        let keyPair = try Self.sharedKeyPair.get()
        try directory.write(keyPair.privatePEM, to: "key.pem")
        let pem = String(decoding: keyPair.publicPEM, as: UTF8.self)
        var configuration = FakeBigQueryConfiguration(
            project: "test-project",
            publicKeyPEM: pem,
            clientEmail: Self.clientEmail
        )
        configuration.gsRoot = directory.file("gcs")
        configure(&configuration)
        let service = FakeBigQuery(
            configuration: configuration,
            verifySignature: try FakeBigQuery.signatureCheck(publicKeyPEM: pem),
            clock: clock ?? SystemClock()
        )
        self.clock = clock
        server = FakeBigQueryServer(service: service, logger: Logger(label: "fake-bigquery-tests"))
        port = try server.start()
    }

    /// One RSA key pair for the whole run: generating a 2048-bit key per test is slow on a busy machine.
    /// Its files are read into memory and their directory removed at once.
    static let sharedKeyPair = Result { () throws -> (privatePEM: [UInt8], publicPEM: [UInt8]) in
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeKey(at: directory.file("key.pem"))
        try openssl(["pkey", "-in", directory.file("key.pem"), "-pubout", "-out", directory.file("public.pem")])
        return (try directory.read("key.pem"), try directory.read("public.pem"))
    }

    /// Writes a new 2048-bit RSA private key (PKCS#8 PEM) to `path` with `openssl genpkey`.
    static func makeKey(at path: String) throws {
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
    }

    func stop() {
        server.stop()
        directory.remove()
    }

    @discardableResult
    static func openssl(_ arguments: [String], input: [UInt8]? = nil) throws -> [UInt8] {
        let result = try Shell.run("/usr/bin/openssl", arguments, input: input)
        guard result.status == 0 else { throw HarnessError(message: "openssl \(arguments): \(result.standardError)") }
        return result.standardOutput
    }

    // MARK: Tokens

    /// The current time as the fake sees it, in epoch seconds.
    var now: Int { Int((clock?.now() ?? Date()).timeIntervalSince1970) }

    /// A JWT-bearer assertion signed with `signingKey` (default: the service account's key) using
    /// `openssl dgst -sha256 -sign`.
    func assertion(
        claims: [String: Any]? = nil,
        header: [String: Any] = ["alg": "RS256", "typ": "JWT"],
        signingKey: String? = nil
    ) throws -> String {
        let now = self.now
        let claims =
            claims ?? [
                "iss": Self.clientEmail, "scope": Self.bigQueryScope, "aud": "https://oauth2.googleapis.com/token",
                "iat": now, "exp": now + 3600,
            ]
        let signingInput =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try Self.openssl(
            ["dgst", "-sha256", "-sign", signingKey ?? keyPath],
            input: Array(signingInput.utf8)
        )
        return signingInput + "." + Self.base64URL(Data(signature))
    }

    /// Posts a token request and returns the raw exchange.
    func requestToken(
        assertion: String,
        grantType: String = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    ) throws
        -> HTTPResult
    {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let form =
            "grant_type=\(grantType.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            + "&assertion=\(assertion.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        return try Curl.send(
            "POST",
            "\(base)/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(form.utf8)
        )
    }

    /// A valid access token.
    func token() throws -> String {
        let result = try requestToken(assertion: try assertion())
        guard let token = result.json["access_token"] as? String else {
            throw HarnessError(message: "no token: \(result.status) \(result.text)")
        }
        return token
    }

    // MARK: API calls

    private var cachedToken: String?

    /// An authorised API call with a JSON body.
    func call(
        _ method: String,
        _ path: String,
        json: String? = nil,
        headers: [(String, String)] = []
    ) throws
        -> HTTPResult
    {
        if cachedToken == nil { cachedToken = try token() }
        return try Curl.send(
            method,
            path.hasPrefix("http") ? path : api + path,
            headers: [("Authorization", "Bearer \(cachedToken ?? "")")] + headers,
            body: json.map { Array($0.utf8) }
        )
    }

    /// Creates dataset `ds` and a table `t` with the given fields JSON.
    func makeTable(_ fields: String, dataset: String = "ds", table: String = "t") throws {
        _ = try call(
            "POST",
            "/datasets",
            json: #"{"datasetReference":{"projectId":"test-project","datasetId":"\#(dataset)"}}"#
        )
        let result = try call(
            "POST",
            "/datasets/\(dataset)/tables",
            json: #"{"tableReference":{"tableId":"\#(table)"},"schema":{"fields":\#(fields)}}"#
        )
        guard result.status == 200 else {
            throw HarnessError(message: "tables.insert: \(result.status) \(result.text)")
        }
    }

    /// The rows stored in `ds.t`, one JSON text each, via `/_fake/rows`.
    func storedRows(dataset: String = "ds", table: String = "t") throws -> [String] {
        let result = try Curl.send("GET", "\(base)/_fake/rows/\(dataset)/\(table)")
        return result.text.split(separator: "\n").map(String.init)
    }

    /// `/_fake/stats` as JSON.
    func stats() throws -> [String: Any] {
        try Curl.send("GET", "\(base)/_fake/stats").json
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
