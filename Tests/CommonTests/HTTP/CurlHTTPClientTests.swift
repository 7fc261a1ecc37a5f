import Common
import Foundation
import Testing

/// Round trips against the loopback server: methods, headers, bodies, auth and statuses.
@Suite struct CurlHTTPClientTests {
    /// Each method with a memory body arrives with that method, the body byte for byte and the headers given.
    @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
    func memoryBodyRoundTrips(method: HTTPMethod) throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let body = Array("{\"rows\":[{\"Invoice\":\"  0001\",\"Amount\":\"1234.50\"}]}".utf8) + [0, 255, 10]
        let response = try client.perform(
            HTTPRequest(
                method: method,
                url: server.url("/echo?x=1"),
                headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Trace", "abc 123")],
                body: .bytes(body)
            )
        )
        let echo = try Echo(response)
        #expect(response.status == 200)
        #expect(echo.method == method.rawValue)
        #expect(echo.path == "/echo?x=1")
        #expect(echo.bodyBytes == body)
        #expect(echo.header("Content-Type") == "application/json")
        #expect(echo.header("X-Trace") == "abc 123")
        #expect(echo.header("Content-Length") == "\(body.count)")
    }

    /// A GET arrives as GET without a body, and the response headers are readable case-insensitively.
    @Test func getRoundTrips() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let response = try client.perform(
            HTTPRequest(url: server.url("/echo"), headers: [HTTPHeader("Accept", "application/json")])
        )
        let echo = try Echo(response)
        #expect(echo.method == "GET")
        #expect(echo.bodyBytes.isEmpty)
        #expect(echo.header("Accept") == "application/json")
        #expect(response.head.headers.value(for: "content-type") == "application/json")
    }

    /// A file body is sent whole (3 MiB, binary) with an exact Content-Length.
    @Test(arguments: [HTTPMethod.post, .put])
    func fileBodyRoundTrips(method: HTTPMethod) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("segment.ndjson.gz").path
        let content = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let response = try client.perform(
            HTTPRequest(method: method, url: server.url("/echo"), body: .file(path: path))
        )
        let echo = try Echo(response)
        #expect(echo.method == method.rawValue)
        #expect(echo.header("Content-Length") == "\(content.count)")
        #expect(echo.bodyBytes == content)
    }

    /// A missing body file is a file-system error naming the path, not a transport error.
    @Test func missingBodyFileIsAFileSystemError() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(
                HTTPRequest(method: .post, url: server.url("/echo"), body: .file(path: "/nonexistent/x"))
            )
        }
        #expect(error?.code == .fileSystem)
        #expect(error?.message.contains("/nonexistent/x") == true)
    }

    /// Every request carries `User-Agent: syspro-bq/<version>` and never `Expect: 100-continue` or
    /// libcurl's default form content type.
    @Test func sendsUserAgentAndNoExpectOrFormType() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let echo = try Echo(
            client.perform(
                HTTPRequest(method: .post, url: server.url("/echo"), body: .bytes(Array(repeating: 7, count: 2 << 20)))
            )
        )
        #expect(echo.header("User-Agent") == "syspro-bq/\(SysproBQVersion.current)")
        #expect(echo.header("Expect") == nil)
        #expect(echo.header("Content-Type") == nil)
    }

    /// Basic credentials arrive as an RFC 7617 Authorization header.
    @Test func sendsBasicAuthorization() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let echo = try Echo(
            client.perform(
                HTTPRequest(
                    url: server.url("/echo"),
                    basicAuth: BasicCredentials(user: "svc-bq", password: "p@ss:wörd")
                )
            )
        )
        let expected = Data("svc-bq:p@ss:wörd".utf8).base64EncodedString()
        #expect(echo.header("Authorization") == "Basic \(expected)")
    }

    /// Options do not leak from one request to the next on the reused handle: a GET after an authenticated
    /// POST has no body, no credentials and no custom method.
    @Test func requestOptionsDoNotLeakAcrossReuse() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        _ = try client.perform(
            HTTPRequest(
                method: .patch,
                url: server.url("/echo"),
                headers: [HTTPHeader("X-Once", "1")],
                body: .bytes(Array("patch".utf8)),
                basicAuth: BasicCredentials(user: "u", password: "secret-pw")
            )
        )
        let head = try client.perform(HTTPRequest(method: .head, url: server.url("/echo")))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        let echo = try Echo(client.perform(HTTPRequest(url: server.url("/echo"))))
        #expect(echo.method == "GET")
        #expect(echo.bodyBytes.isEmpty)
        #expect(echo.header("Authorization") == nil)
        #expect(echo.header("X-Once") == nil)
        #expect(echo.header("Content-Length") == nil)
    }

    /// A POST without a body sends `Content-Length: 0` and does not wait for input.
    @Test func emptyPostSendsZeroLength() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let echo = try Echo(client.perform(HTTPRequest(method: .post, url: server.url("/echo"), totalTimeout: 5)))
        #expect(echo.method == "POST")
        #expect(echo.header("Content-Length") == "0")
    }

    /// A DELETE without a body is sent as a bare DELETE, and a HEAD reads the head without waiting for a body.
    @Test func deleteAndHeadWithoutBodies() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let echo = try Echo(client.perform(HTTPRequest(method: .delete, url: server.url("/echo?job=1"))))
        #expect(echo.method == "DELETE")
        #expect(echo.header("Content-Length") == nil)
        let head = try client.perform(HTTPRequest(method: .head, url: server.url("/large?mb=100")))
        #expect(head.status == 200)
        #expect(head.head.headers.value(for: "Content-Length") == "\(100 << 20)")
        #expect(head.body.isEmpty)
        #expect(client.connectionsOpened == 1)
    }

    /// HTTP error statuses come back as responses with their body; the transport does not throw them.
    @Test(arguments: [400, 401, 403, 404, 409, 429, 500, 502, 503])
    func errorStatusesAreReturnedNotThrown(status: Int) throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let response = try client.perform(HTTPRequest(url: server.url("/status/\(status)")))
        #expect(response.status == status)
        #expect(response.body == Array("status \(status)".utf8))
        #expect(response.head.headers.value(for: "x-status") == "\(status)")
    }

    /// A header that would inject a second header line, or a name that is not a token, is refused before
    /// anything is sent.
    @Test(arguments: [
        HTTPHeader("X-A", "ok\r\nX-Evil: 1"), HTTPHeader("X A", "1"), HTTPHeader("X;", "1"), HTTPHeader("", "1"),
    ])
    func invalidHeadersAreRefused(header: HTTPHeader) throws {
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: "http://127.0.0.1:9/x", headers: [header]))
        }
        #expect(error?.code == .invalidData)
        #expect(error?.disposition == .terminal)
    }

    /// A GET with a body is a programming error, refused rather than sent with the body silently dropped.
    @Test func getWithBodyIsRefused() throws {
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: "http://127.0.0.1:9/x", body: .bytes([1])))
        }
        #expect(error?.code == .internalError)
    }

    /// Only http and https are spoken: a file:// URL is a terminal configuration error.
    @Test func otherSchemesAreRefused() throws {
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: "file:///etc/passwd"))
        }
        #expect(error?.code == .configuration)
        #expect(error?.disposition == .terminal)
    }
}

/// Redirect handling: returned as is by default, followed when configured.
@Suite struct CurlHTTPClientRedirectTests {
    /// With the default configuration a 302 reaches the caller with its Location, unfollowed.
    @Test func redirectsAreReturnedByDefault() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let response = try client.perform(HTTPRequest(url: server.url("/redirect?to=/echo")))
        #expect(response.status == 302)
        #expect(response.head.headers.value(for: "Location") == "/echo")
        #expect(response.body == Array("redirect body".utf8))
    }

    /// When following, the caller sees only the final head and body, never the redirect's.
    @Test func followedRedirectDeliversOnlyTheFinalResponse() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(maxRedirects: 3))
        var heads: [Int] = []
        var body: [UInt8] = []
        let head = try client.perform(
            HTTPRequest(url: server.url("/redirect?to=/echo")),
            onHead: { heads.append($0.status) },
            onBody: { body += $0 }
        )
        #expect(head.status == 200)
        #expect(heads == [200])
        #expect(try JSONDecoder().decode(Echo.self, from: Data(body)).path == "/echo")
    }

    /// A redirect loop ends in a terminal error once the limit is reached.
    @Test func redirectLoopIsTerminal() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(maxRedirects: 2))
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/redirect-loop")))
        }
        #expect(error?.code == .remote)
        #expect(error?.disposition == .terminal)
    }
}
