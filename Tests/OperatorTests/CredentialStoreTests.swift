import Common
import Foundation
import Operator
import Testing

@Suite("Credential store")
struct CredentialStoreTests {
    static let sentinel = "Sentinel-Pa55w0rd-7f3a"

    /// A fresh directory with a 0600 key file; removed by the caller.
    struct Fixture {
        let directory: String
        var storePath: String { directory + "/credentials.enc.json" }
        var keyFile: String { directory + "/syspro-bq.key" }

        init() throws {
            directory =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("operator-creds-\(UUID().uuidString)").path
            try FileSystem.makeDirectory(directory)
            try MasterKey.generate(source: .file(keyFile)).write(to: keyFile)
        }

        func open(
            environment: [String: String] = [:],
            scrubber: SecretScrubber = SecretScrubber()
        ) throws
            -> CredentialStore
        {
            try CredentialStore.open(path: storePath, keyFile: keyFile, environment: environment, scrubber: scrubber)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static let serviceAccountJSON = """
        {"type": "service_account", "project_id": "acme", "private_key_id": "abc",
         "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n",
         "client_email": "loader@acme.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"}
        """

    /// Stored secrets decrypt to what was stored, survive reopening, and never appear in the store file.
    @Test func roundTrip() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        try store.set(.companyPassword("A"), to: Secret("company-A-secret"))
        try store.set(.serviceAccount, to: Secret(Self.serviceAccountJSON))
        let reopened = try fixture.open()
        #expect(try reopened.secret(.sysproPassword).stringValue == Self.sentinel)
        #expect(try reopened.companyPassword(for: "A")?.stringValue == "company-A-secret")
        #expect(try reopened.companyPassword(for: "B") == nil)
        #expect(try reopened.serviceAccountKey().clientEmail == "loader@acme.iam.gserviceaccount.com")
        #expect(
            reopened.entries.map(\.name.rawValue) == [
                "company-password/A", "google-service-account", "syspro-password",
            ]
        )
        let stored = String(decoding: try FileSystem.readFile(fixture.storePath), as: UTF8.self)
        #expect(!stored.contains(Self.sentinel))
        #expect(!stored.contains("MIIEvQ"))
        #expect(try FileSystem.permissions(of: fixture.storePath) & 0o777 == 0o600)
    }

    /// A shared company password is used for every company without its own.
    @Test func sharedCompanyPasswordIsTheFallback() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.companyPassword(nil), to: Secret("shared-secret"))
        try store.set(.companyPassword("B"), to: Secret("b-secret"))
        #expect(try store.companyPassword(for: "A")?.stringValue == "shared-secret")
        #expect(try store.companyPassword(for: "B")?.stringValue == "b-secret")
    }

    /// Replacing a credential keeps its created date and moves its updated date.
    @Test func replacingKeepsCreatedDate() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        let first = Date(timeIntervalSince1970: 1_700_000_000)
        try store.set(.sysproPassword, to: Secret("first-value"), now: first)
        try store.set(.sysproPassword, to: Secret("second-value"), now: first.addingTimeInterval(3600))
        let entry = try #require(try fixture.open().entries.first)
        #expect(entry.created == first)
        #expect(entry.updated == first.addingTimeInterval(3600))
        #expect(try store.secret(.sysproPassword).stringValue == "second-value")
    }

    /// A wrong master key fails with a clear message naming the credential, and shows no secret.
    @Test func wrongMasterKeyIsNamed() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        let otherKey = String(repeating: "0f", count: 32)
        let wrong = try fixture.open(environment: [MasterKey.environmentVariable: otherKey])
        do {
            _ = try wrong.secret(.sysproPassword)
            Issue.record("expected a decryption failure")
        } catch {
            #expect(
                error.message
                    == "cannot decrypt credential 'syspro-password': wrong master key or the store was altered"
            )
            #expect(ExitCodes.exitCode(for: error) == 69)
            #expect(!error.detailedDescription.contains(Self.sentinel))
        }
    }

    /// A box copied under another credential's name does not decrypt (the name is associated data).
    @Test func boxesAreBoundToTheirNames() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        try store.set(.companyPassword(nil), to: Secret("company-secret"))
        var json =
            try JSONSerialization.jsonObject(with: Data(try FileSystem.readFile(fixture.storePath))) as! [String: Any]
        var credentials = json["credentials"] as! [String: Any]
        credentials["company-password"] = credentials["syspro-password"]
        json["credentials"] = credentials
        try FileSystem.writeAtomically(Array(try JSONSerialization.data(withJSONObject: json)), to: fixture.storePath)
        #expect(throws: SysproBQError.self) { _ = try fixture.open().secret(.companyPassword(nil)) }
        #expect(try fixture.open().secret(.sysproPassword).stringValue == Self.sentinel)
    }

    /// A key file readable by group or others is refused, with the chmod that fixes it.
    @Test(arguments: [0o644 as mode_t, 0o640, 0o604, 0o660])
    func exposedKeyFileIsRefused(_ mode: mode_t) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try FileSystem.setPermissions(of: fixture.keyFile, to: mode)
        do {
            _ = try fixture.open()
            Issue.record("expected the key file to be refused")
        } catch let error as SysproBQError {
            #expect(error.code == .credentials)
            #expect(error.message.contains("is accessible by group or others"))
            #expect(error.remedy == "chmod 600 \(fixture.keyFile)")
        }
    }

    /// A malformed SYSPRO_BQ_MASTER_KEY is a configuration error that does not echo the value.
    @Test func malformedEnvironmentKeyIsNamed() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        do {
            _ = try fixture.open(environment: [MasterKey.environmentVariable: "Sentinel-not-hex"])
            Issue.record("expected an error")
        } catch let error as SysproBQError {
            #expect(error.code == .configuration)
            #expect(error.message.contains("SYSPRO_BQ_MASTER_KEY is not 64 hexadecimal digits"))
            #expect(!error.detailedDescription.contains("Sentinel"))
        }
    }

    /// Rotating the key re-seals every credential: all still decrypt, under the new key only.
    @Test func rotationKeepsEverySecret() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        let values: [CredentialName: String] = [
            .sysproPassword: Self.sentinel, .companyPassword("A"): "company-A", .companyPassword(nil): "company-all",
            .serviceAccount: Self.serviceAccountJSON,
        ]
        for (name, value) in values { try store.set(name, to: Secret(value)) }
        let oldKey = try FileSystem.readFile(fixture.keyFile)
        let before = try FileSystem.readFile(fixture.storePath)
        try store.rotateKey(newKeyFile: nil)
        #expect(try FileSystem.readFile(fixture.keyFile) != oldKey)
        #expect(try FileSystem.readFile(fixture.storePath) != before)
        #expect(!FileSystem.exists(fixture.keyFile + ".new"))
        #expect(try FileSystem.permissions(of: fixture.keyFile) & 0o777 == 0o600)
        let reopened = try fixture.open()
        for (name, value) in values { #expect(try reopened.secret(name).stringValue == value) }
        let oldHex = String(decoding: oldKey, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let withOldKey = try fixture.open(environment: [MasterKey.environmentVariable: oldHex])
        #expect(throws: SysproBQError.self) { _ = try withOldKey.secret(.sysproPassword) }
    }

    /// A rotation that stopped after replacing the store is completed at the next open.
    @Test func interruptedRotationIsCompleted() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        // Rotate, then put the old key back and the new one at the pending path: the state after step 2.
        let oldKey = try FileSystem.readFile(fixture.keyFile)
        try store.rotateKey(newKeyFile: nil)
        let newKey = try FileSystem.readFile(fixture.keyFile)
        try FileSystem.writeAtomically(newKey, to: fixture.keyFile + ".new", permissions: 0o600)
        try FileSystem.writeAtomically(oldKey, to: fixture.keyFile, permissions: 0o600)
        let reopened = try fixture.open()
        #expect(try reopened.secret(.sysproPassword).stringValue == Self.sentinel)
        #expect(try FileSystem.readFile(fixture.keyFile) == newKey)
        #expect(!FileSystem.exists(fixture.keyFile + ".new"))
    }

    /// A rotation that stopped before replacing the store leaves the old key in force.
    @Test func abandonedRotationIsDiscarded() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        try MasterKey.generate(source: .file(fixture.keyFile + ".new")).write(to: fixture.keyFile + ".new")
        try FileSystem.setPermissions(of: fixture.keyFile + ".new", to: 0o600)
        #expect(try fixture.open().secret(.sysproPassword).stringValue == Self.sentinel)
        #expect(!FileSystem.exists(fixture.keyFile + ".new"))
    }

    /// With the key in the environment, rotation writes the new key to the named file only.
    @Test func rotationWithEnvironmentKeyNeedsANewKeyFile() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let hex = String(repeating: "3c", count: 32)
        var store = try fixture.open(environment: [MasterKey.environmentVariable: hex])
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        #expect(throws: SysproBQError.self) { try store.rotateKey(newKeyFile: nil) }
        let newFile = fixture.directory + "/next.key"
        try store.rotateKey(newKeyFile: newFile)
        let newHex = String(decoding: try FileSystem.readFile(newFile), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let reopened = try fixture.open(environment: [MasterKey.environmentVariable: newHex])
        #expect(try reopened.secret(.sysproPassword).stringValue == Self.sentinel)
    }

    /// Decrypted secrets are registered for scrubbing, including the service account's private key lines.
    @Test func decryptedSecretsAreScrubbed() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let scrubber = SecretScrubber()
        var store = try fixture.open(scrubber: scrubber)
        try store.set(.sysproPassword, to: Secret(Self.sentinel))
        try store.set(.serviceAccount, to: Secret(Self.serviceAccountJSON))
        _ = try store.secret(.sysproPassword)
        _ = try store.serviceAccountKey()
        #expect(scrubber.scrub("pw \(Self.sentinel)") == "pw REDACTED")
        #expect(!scrubber.scrub("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7").contains("MIIEvQ"))
    }

    /// A missing credential says which command stores it.
    @Test func missingCredentialSaysHowToStoreIt() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        do {
            _ = try fixture.open().secret(.serviceAccount)
            Issue.record("expected an error")
        } catch let error as SysproBQError {
            #expect(error.remedy == "store it with `syspro-bq creds import-service-account KEY.json`")
        }
    }

    /// Service-account keys are validated field by field, without echoing values.
    @Test(arguments: [
        ("[]", "not a JSON object"),
        (#"{"type":"user"}"#, "\"type\" is not \"service_account\""),
        (#"{"type":"service_account","private_key":"Sentinel"}"#, "\"private_key\" is missing or is not a PEM"),
        (
            #"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----x","client_email":"x"}"#,
            "\"client_email\""
        ),
        (
            #"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----x","client_email":"a@b","token_uri":"nope"}"#,
            "\"token_uri\""
        ),
    ])
    func serviceAccountValidation(_ json: String, _ fragment: String) {
        do {
            _ = try ServiceAccountKey(jsonBytes: Array(json.utf8))
            Issue.record("expected a validation error")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("Sentinel"))
        }
    }

    /// The key file is 64 hex digits and a newline, mode 0600, and init never replaces one.
    @Test func keyFileFormat() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let text = String(decoding: try FileSystem.readFile(fixture.keyFile), as: UTF8.self)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        #expect(text.dropLast().allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(try FileSystem.permissions(of: fixture.keyFile) & 0o777 == 0o600)
        #expect(throws: SysproBQError.self) {
            try MasterKey.generate(source: .file(fixture.keyFile)).write(to: fixture.keyFile)
        }
    }
}
