import Common
import Testing

@testable import Load

@Suite struct EndpointGuardTests {
    /// https is always accepted; http only with the opt-in and only to loopback hosts.
    @Test(arguments: [
        ("https://bigquery.googleapis.com", false, true),
        ("http://bigquery.googleapis.com", false, false),
        ("http://bigquery.googleapis.com", true, false),
        ("http://127.0.0.1:9050", false, false),
        ("http://127.0.0.1:9050", true, true),
        ("http://localhost:9050/x", true, true),
        ("http://user:pw@localhost.evil.com:80/", true, false),
        ("http://[::1]:80/", true, true),
        ("ftp://127.0.0.1", true, false),
    ])
    func refusesPlainHTTPExceptToLoopbackWhenAllowed(url: String, allow: Bool, accepted: Bool) {
        let result = Result { () throws(SysproBQError) in
            try EndpointGuard.check(url, name: "apiBaseURL", allowInsecureLocal: allow)
        }
        switch result {
        case .success: #expect(accepted)
        case .failure(let error):
            #expect(!accepted)
            #expect(error.code == .configuration)
            #expect(!error.message.contains("pw"))
        }
    }

    /// The configuration check covers the token URI too and names the field.
    @Test func configurationValidationChecksTokenURI() {
        var configuration = BigQueryConfiguration(projectID: "p", datasetID: "ds")
        configuration.tokenURI = "http://oauth2.example.com/token"
        #expect(throws: SysproBQError.self) { try configuration.validate() }
        configuration.tokenURI = nil
        configuration.datasetID = "bad-name"
        #expect(throws: SysproBQError.self) { try configuration.validate() }
    }

    /// gs:// URIs split into bucket and prefix.
    @Test func gcsLocationParsesBucketAndPrefix() throws {
        let location = try #require(GCSLocation("gs://bucket/a/b/"))
        #expect(location.bucket == "bucket")
        #expect(location.uri("f.gz") == "gs://bucket/a/b/f.gz")
        #expect(GCSLocation("s3://x") == nil)
        #expect(GCSLocation("gs://") == nil)
    }
}
