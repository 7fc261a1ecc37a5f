import Common
import Foundation
import Testing

/// Failures of the exchange itself: each is a `SysproBQError` with the right code, disposition and cause,
/// never a crash and never short data presented as a whole body.
@Suite struct CurlHTTPClientFaultTests {
    private func curlCode(_ error: SysproBQError?) -> Int32? {
        guard case .curl(let code, _)? = error?.cause else { return nil }
        return code
    }

    /// Connecting to a closed loopback port fails at once as a retryable transport error.
    @Test func closedPortFailsFast() throws {
        let port = try closedLoopbackPort()
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(connectTimeout: 2))
        let start = ContinuousClock.now
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/x"))
        }
        #expect(ContinuousClock.now - start < .seconds(1.5))
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
        #expect(curlCode(error) == 7)  // CURLE_COULDNT_CONNECT
    }

    /// A body slower than the per-request total timeout is cut off at that timeout.
    @Test func totalTimeoutStopsASlowBody() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        var received = 0
        let start = ContinuousClock.now
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(
                HTTPRequest(url: server.url("/slow-body?s=1&n=10"), totalTimeout: 0.7),
                onHead: { _ in },
                onBody: { received += $0.count }
            )
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(received < 10 * 1024)
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
        #expect(curlCode(error) == 28)  // CURLE_OPERATION_TIMEDOUT
    }

    /// A server that never sends its head is cut off at the configured total timeout.
    @Test func totalTimeoutStopsSlowHeaders() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(totalTimeout: 0.5))
        let start = ContinuousClock.now
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/slow-headers?s=5")))
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(curlCode(error) == 28)
    }

    /// The low-speed limit aborts a trickling download that the total timeout would still allow.
    @Test func lowSpeedLimitStopsATrickle() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient(
            configuration: HTTPClientConfiguration(lowSpeedTimeout: (bytesPerSecond: 4096, seconds: 1))
        )
        let start = ContinuousClock.now
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/slow-body?s=1&n=10")))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(curlCode(error) == 28)
    }

    /// A body shorter than its Content-Length is an error, not a short body.
    @Test func truncatedBodyIsAnError() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/truncated")))
        }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
        #expect(curlCode(error) == 18)  // CURLE_PARTIAL_FILE
    }

    /// A chunked body that ends without its last chunk is an error.
    @Test func incompleteChunkedBodyIsAnError() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/chunked-truncated")))
        }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
    }

    /// A connection reset mid-body is a retryable transport error, and the client works again afterwards.
    @Test func resetMidBodyIsAnErrorAndTheClientRecovers() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        var received = 0
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(
                HTTPRequest(url: server.url("/reset")),
                onHead: { _ in },
                onBody: { received += $0.count }
            )
        }
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
        #expect([18, 56].contains(curlCode(error)))  // PARTIAL_FILE or RECV_ERROR, depending on timing
        #expect(received < 1 << 20)
        let next = try client.perform(HTTPRequest(url: server.url("/status/204")))
        #expect(next.status == 204)
    }

    /// A timed-out transfer drops its connection; the next request opens a new one and succeeds.
    @Test func requestAfterATimeoutReconnects() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        _ = try client.perform(HTTPRequest(url: server.url("/keepalive")))
        #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/slow-headers?s=3"), totalTimeout: 0.3))
        }
        let next = try client.perform(HTTPRequest(url: server.url("/keepalive")))
        #expect(next.head.headers.value(for: "X-Connection-Requests") == "1")
        #expect(client.connectionsOpened == 2)
    }

    /// https to a plain-HTTP port fails the TLS handshake with a transport error, not a crash.
    @Test func httpsToPlainPortIsATransportError() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: "https://127.0.0.1:\(server.port)/echo"))
        }
        #expect(error?.code == .transport)
        #expect(curlCode(error) == 35)  // CURLE_SSL_CONNECT_ERROR
    }

    /// An error thrown by the body consumer aborts the transfer and reaches the caller unchanged.
    @Test func consumerErrorAbortsTheTransfer() throws {
        struct Enough: Error {}
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        var calls = 0
        #expect(throws: Enough.self) {
            _ = try client.perform(
                HTTPRequest(url: server.url("/large?mb=8")),
                onHead: { _ in },
                onBody: { _ in
                    calls += 1
                    throw Enough()
                }
            )
        }
        #expect(calls == 1)
    }

    /// Error messages and causes never contain the Basic-auth password or secret query parameters.
    @Test func errorsCarryNoSecrets() throws {
        let port = try closedLoopbackPort()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(
                HTTPRequest(
                    url: "http://127.0.0.1:\(port)/Logon?Operator=ADMIN&OperatorPassword=hunter22",
                    basicAuth: BasicCredentials(user: "svc", password: "topsecret99")
                )
            )
        }
        let text = error.map { $0.detailedDescription } ?? ""
        #expect(text.contains("OperatorPassword=REDACTED"))
        #expect(!text.contains("hunter22"))
        #expect(!text.contains("topsecret99"))
    }
}
