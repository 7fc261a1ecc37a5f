import Common
import Foundation
import Testing

/// The one classification of HTTP statuses, and Retry-After parsing.
@Suite struct HTTPStatusClassTests {
    /// Each status maps to the action the caller must take.
    @Test(arguments: [
        (408, SysproBQError.Disposition.retryable), (429, .retryable), (500, .retryable), (502, .retryable),
        (503, .retryable), (504, .retryable), (401, .needsHuman), (403, .needsHuman), (400, .terminal),
        (404, .terminal), (409, .terminal), (413, .terminal), (501, .terminal),
    ])
    func statusDisposition(status: Int, expected: SysproBQError.Disposition) {
        #expect(HTTPStatusClass.disposition(forStatus: status) == expected)
    }

    /// The error for a failed status carries the classification, the status and a scrubbed body excerpt.
    @Test func errorForResponseIsClassifiedAndScrubbed() {
        let request = HTTPRequest(
            method: .post,
            url: "http://sys/Query?OperatorPassword=pw1",
            basicAuth: BasicCredentials(user: "u", password: "hunter2-pw")
        )
        let refused = HTTPStatusClass.error(
            for: HTTPResponse(head: HTTPResponseHead(status: 401), body: Array("bad login hunter2-pw".utf8)),
            of: request
        )
        #expect(refused.code == .credentials)
        #expect(refused.disposition == .needsHuman)
        #expect(refused.cause == .http(status: 401, bodyExcerpt: "bad login REDACTED"))
        #expect(!refused.detailedDescription.contains("pw1"))
        let busy = HTTPStatusClass.error(
            for: HTTPResponse(head: HTTPResponseHead(status: 503), body: Array(repeating: 65, count: 1000)),
            of: request
        )
        #expect(busy.code == .remote)
        #expect(busy.isRetryable)
        guard case .http(503, let excerpt)? = busy.cause else {
            Issue.record("expected an HTTP cause")
            return
        }
        #expect(excerpt.utf8.count <= 304)
    }

    private static let now = Date(timeIntervalSince1970: 1_795_791_600)  // Fri, 27 Nov 2026 15:00:00 GMT

    /// Retry-After is read in both forms (RFC 9110 §10.2.3); unreadable values give nil.
    @Test(
        arguments: [
            ("120", 120.0), ("0", 0.0), ("Fri, 27 Nov 2026 15:02:00 GMT", 120.0),
            ("Friday, 27-Nov-26 15:00:30 GMT", 30.0), ("Fri Nov 27 15:01:00 2026", 60.0),
            ("Thu, 26 Nov 2026 15:00:00 GMT", 0.0),
        ] as [(String, Double?)]
    )
    func retryAfterIsParsed(value: String, expected: Double?) {
        let head = HTTPResponseHead(status: 503, headers: [HTTPHeader("retry-after", value)])
        #expect(HTTPStatusClass.retryAfterSeconds(head, now: Self.now) == expected)
    }

    /// Values that are neither delta-seconds nor an HTTP-date, and a missing header, give nil.
    @Test(arguments: ["-5", "1.5", "soon", "", "Fri, 32 Nov 2026 15:00:00 GMT"])
    func unreadableRetryAfterIsNil(value: String) {
        let head = HTTPResponseHead(status: 429, headers: [HTTPHeader("Retry-After", value)])
        #expect(HTTPStatusClass.retryAfterSeconds(head, now: Self.now) == nil)
        #expect(HTTPStatusClass.retryAfterSeconds(HTTPResponseHead(status: 429), now: Self.now) == nil)
    }

    /// Retry-After from a real server response is available to the caller.
    @Test func retryAfterFromServer() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let response = try client.perform(HTTPRequest(url: server.url("/retry-after?v=7")))
        #expect(response.status == 503)
        #expect(HTTPStatusClass.retryAfterSeconds(response.head) == 7)
    }
}
