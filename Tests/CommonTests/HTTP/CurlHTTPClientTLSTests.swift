import Common
import Foundation
import Testing

/// TLS against a loopback HTTPS server with a self-signed certificate: verification is on by default, and
/// a CA bundle is how a private CA becomes trusted.
@Suite struct CurlHTTPClientTLSTests {
    /// With the default configuration a certificate from an unknown CA is refused, as a needs-a-human error
    /// whose remedy names the CA bundle setting.
    @Test func verificationIsOnByDefault() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TestHTTPServer(tls: certificate)
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.httpsURL("/echo")))
        }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .needsHuman)
        #expect(error?.remedy?.contains("caBundlePath") == true)
        guard case .curl(60, _)? = error?.cause else {  // CURLE_PEER_FAILED_VERIFICATION
            Issue.record("expected CURLE_PEER_FAILED_VERIFICATION, got \(String(describing: error?.cause))")
            return
        }
    }

    /// With the certificate as CA bundle, requests succeed over one reused TLS connection.
    @Test func caBundleTrustsAPrivateCA() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TestHTTPServer(tls: certificate)
        let client = try CurlHTTPClient(
            configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath)
        )
        for _ in 0..<3 {
            let echo = try Echo(
                client.perform(HTTPRequest(method: .post, url: server.httpsURL("/echo"), body: .bytes([1, 2, 3])))
            )
            #expect(echo.bodyBytes == [1, 2, 3])
        }
        #expect(client.connectionsOpened == 1)
    }

    /// A trusted certificate for another name is still refused: the host name is verified, not only the chain.
    @Test func hostNameIsVerified() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TestHTTPServer(tls: certificate)
        let client = try CurlHTTPClient(
            configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath)
        )
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.httpsURL("/echo", host: "localhost")))
        }
        #expect(error?.disposition == .needsHuman)
    }

    /// Turning verification off (test setups only) accepts the unknown certificate.
    @Test func verificationCanBeTurnedOff() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TestHTTPServer(tls: certificate)
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(verifyTLS: false))
        #expect(try client.perform(HTTPRequest(url: server.httpsURL("/status/204"))).status == 204)
    }

    /// A CA bundle path that does not exist is a needs-a-human error, not a retry loop.
    @Test func missingCABundleNeedsAHuman() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try TestHTTPServer(tls: certificate)
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(caBundlePath: "/nonexistent/ca.pem"))
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.httpsURL("/echo")))
        }
        #expect(error?.disposition == .needsHuman)
    }
}
