import Common
import Testing

/// The request and header value types.
@Suite struct HTTPRequestTests {
    /// Header lookup ignores case and keeps repeated fields in order.
    @Test func headerLookupIgnoresCase() {
        let headers = [
            HTTPHeader("Set-Cookie", "a=1"), HTTPHeader("content-type", "text/plain"), HTTPHeader("SET-COOKIE", "b=2"),
        ]
        #expect(headers.value(for: "Content-Type") == "text/plain")
        #expect(headers.values(for: "set-cookie") == ["a=1", "b=2"])
        #expect(headers.value(for: "Content-Length") == nil)
    }

    /// Printing, debug-printing or dumping a request or credential never shows the password.
    @Test func credentialsAreNeverPrinted() {
        let credentials = BasicCredentials(user: "svc", password: "hunter2-secret")
        let request = HTTPRequest(
            url: "http://sys/Logon?Operator=A&OperatorPassword=pw-in-url",
            basicAuth: credentials
        )
        var dumped = ""
        dump(request, to: &dumped)
        for text in [
            "\(credentials)", String(reflecting: credentials), "\(request)", String(reflecting: request), dumped,
        ] {
            #expect(!text.contains("hunter2-secret"), "leaked in: \(text)")
        }
        #expect(!"\(request)".contains("pw-in-url"))
        #expect("\(request)" == "GET http://sys/Logon?Operator=A&OperatorPassword=REDACTED")
    }

    /// Methods carry their wire names.
    @Test func methodWireNames() {
        #expect(HTTPMethod.allCases.map(\.rawValue) == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    }
}
