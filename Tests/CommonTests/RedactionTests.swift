import Common
import Testing

@Suite struct RedactionTests {
    /// e.net passwords and session ids in query strings never survive redaction.
    @Test func sensitiveQueryParametersAreRedacted() {
        let url =
            "http://sys:31002/SYSPROWCFService/Rest/Logon?Operator=ADMIN&OperatorPassword=s3cret&CompanyId=A&CompanyPassword=pw2"
        let redacted = Redaction.url(url)
        #expect(!redacted.contains("s3cret"))
        #expect(!redacted.contains("pw2"))
        #expect(redacted.contains("Operator=ADMIN"))
        #expect(redacted.contains("OperatorPassword=REDACTED"))
    }

    /// User info in the authority is redacted.
    @Test func userInfoIsRedacted() {
        #expect(Redaction.url("https://bob:hunter2@host/x") == "https://REDACTED@host/x")
    }
}
