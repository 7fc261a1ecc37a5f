import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("POST /_fake/auth: revoked keys and clock skew")
struct AuthSwitchTests {
    /// With `revoked=true` a correctly signed grant gets Google's answer for a deleted key; `revoked=false` undoes it.
    @Test func revokedKeyIsInvalidGrantUntilRestored() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        let set = try Curl.send("POST", fake.base + "/_fake/auth?revoked=true", headers: [], body: nil)
        #expect(set.status == 200)
        let refused = try fake.requestToken(assertion: try fake.assertion())
        #expect(refused.status == 400)
        #expect(refused.json["error"] as? String == "invalid_grant")
        #expect(refused.json["error_description"] as? String == "Invalid JWT Signature.")
        _ = try Curl.send("POST", fake.base + "/_fake/auth?revoked=false", headers: [], body: nil)
        #expect(try fake.requestToken(assertion: try fake.assertion()).status == 200)
    }

    /// A token endpoint whose clock runs two hours off judges a fresh grant out of its window (the skew text).
    @Test func clockOffsetGivesTheClockSkewText() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        _ = try Curl.send("POST", fake.base + "/_fake/auth?clock_offset=-7200", headers: [], body: nil)
        let result = try fake.requestToken(assertion: try fake.assertion())
        #expect(result.status == 400)
        #expect((result.json["error_description"] as? String)?.contains("Check your iat and exp values") == true)
    }

    /// A malformed switch is refused with 400 and changes nothing.
    @Test func malformedSwitchIsRefused() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        #expect(try Curl.send("POST", fake.base + "/_fake/auth?revoked=maybe", headers: [], body: nil).status == 400)
        #expect(try Curl.send("POST", fake.base + "/_fake/auth?clock_offset=x", headers: [], body: nil).status == 400)
        #expect(try fake.requestToken(assertion: try fake.assertion()).status == 200)
    }
}
