import Common
import Extract
import Foundation
import Logging
import Testing

/// The SYSPRO clients verify TLS by default: against a loopback HTTPS server with a self-signed certificate,
/// the OData and e.net sources are refused without the CA (a needs-a-human error, never retried) and succeed
/// with the configured CA bundle (`caBundlePath`, which the sources hand to libcurl through
/// `httpClientConfiguration`).
@Suite struct SourceTLSTests {
    static let logger = Logger(label: "security-tests") { _ in SwiftLogNoOpLogHandler() }
    static let page = #"{"value":[{"Supplier":"   10","Invoice":"INV-001","OrigInvValue":1234.50}]}"#

    /// A libcurl client as the CLI builds one from a source's `httpClientConfiguration`: default verification,
    /// plus the configured CA bundle.
    static func curlClient(caBundle: String?) throws -> CurlHTTPClient {
        try CurlHTTPClient(configuration: HTTPClientConfiguration(connectTimeout: 10, caBundlePath: caBundle))
    }

    static func odataSource(_ server: TLSAnswerServer, caBundle: String?) throws -> ODataSource {
        let configuration = ODataConfiguration(
            serviceRoot: server.url("/odata"),
            operatorName: "BQSYNC",
            password: "secret",
            caBundlePath: caBundle,
            useMetadata: false,
            retryPolicy: .immediate(maxAttempts: 3)
        )
        let source = try ODataSource(
            configuration: configuration,
            transport: try curlClient(caBundle: configuration.caBundlePath),
            logger: logger,
            clock: ManualClock()
        )
        #expect(source.httpClientConfiguration.verifyTLS)
        #expect(source.httpClientConfiguration.caBundlePath == caBundle)
        return source
    }

    static func readApInvoice(_ source: ODataSource) throws -> [SourceRow] {
        var rows: [SourceRow] = []
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        _ = try source.read(ExtractQuery(company: "A", entry: entry, window: .snapshot)) { page, _ in rows += page }
        return rows
    }

    static func odataServer(_ certificate: SelfSignedCertificate) throws -> TLSAnswerServer {
        try TLSAnswerServer(
            certificate: certificate,
            answers: [.init(contains: "/odata/A/ApInvoice", type: "application/json", body: page)]
        )
    }

    /// OData without the CA: the read fails with a TLS verification error that needs a human, after one request.
    @Test func odataRefusesAnUnknownCertificate() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try Self.odataServer(certificate)
        let source = try Self.odataSource(server, caBundle: nil)
        let error = #expect(throws: SysproBQError.self) { _ = try Self.readApInvoice(source) }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .needsHuman)
    }

    /// OData with the certificate as CA bundle: the page is read.
    @Test func odataTrustsTheConfiguredCABundle() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try Self.odataServer(certificate)
        let source = try Self.odataSource(server, caBundle: certificate.certificatePath)
        let rows = try Self.readApInvoice(source)
        #expect(rows.map(\.keyValues) == [["   10", "INV-001"]])
    }

    static func enetSource(_ server: TLSAnswerServer, caBundle: String?) throws -> ENetSource {
        let configuration = ENetConfiguration(
            baseURL: server.url("/SYSPROWCFService/Rest"),
            operatorName: "BQSYNC",
            operatorPassword: "secret",
            companyId: "A",
            caBundlePath: caBundle,
            retryPolicy: .immediate(maxAttempts: 3)
        )
        let source = try ENetSource(
            configuration: configuration,
            transport: try curlClient(caBundle: configuration.caBundlePath),
            logger: logger,
            clock: ManualClock()
        )
        #expect(source.httpClientConfiguration.verifyTLS)
        #expect(source.httpClientConfiguration.caBundlePath == caBundle)
        return source
    }

    static func enetServer(_ certificate: SelfSignedCertificate) throws -> TLSAnswerServer {
        try TLSAnswerServer(
            certificate: certificate,
            answers: [
                .init(contains: "/GetVersion", type: "application/json", body: #""8.0.0.1""#),
                .init(contains: "/Logon?", type: "application/json", body: #""0A1B2C3D4E5F""#),
                .init(contains: "/Logoff?", type: "application/json", body: #""0""#),
            ]
        )
    }

    /// e.net without the CA: `check` (GetVersion, Logon, Logoff) fails with a needs-a-human TLS error.
    @Test func enetRefusesAnUnknownCertificate() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try Self.enetServer(certificate)
        let source = try Self.enetSource(server, caBundle: nil)
        let error = #expect(throws: SysproBQError.self) { _ = try source.check(company: "A") }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .needsHuman)
    }

    /// e.net with the certificate as CA bundle: `check` logs on and off.
    @Test func enetTrustsTheConfiguredCABundle() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try Self.enetServer(certificate)
        let source = try Self.enetSource(server, caBundle: certificate.certificatePath)
        #expect(try source.check(company: "A") == "e.net 8.0.0.1: logon to company A succeeded")
    }
}
