import Common
import Foundation
import Testing

/// RSA keys made by the `openssl` command line in a temporary directory.
struct OpenSSLKeys {
    let directory: TemporaryDirectory
    var pkcs8: String { directory.file("key.pem") }
    var publicKey: String { directory.file("pub.pem") }
    var pkcs1: String { directory.file("rsa.pem") }
    var encrypted: String { directory.file("encrypted.pem") }
    static let passphrase = "correct horse battery staple"

    init(directory: TemporaryDirectory) throws {
        self.directory = directory
        let key = Shell.quote(directory.file("key.pem"))
        let result = try Shell.run(
            "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \(key) && "
                + "openssl pkey -in \(key) -pubout -out \(Shell.quote(directory.file("pub.pem"))) && "
                + "openssl rsa -in \(key) -traditional -out \(Shell.quote(directory.file("rsa.pem"))) && "
                + "openssl pkcs8 -topk8 -in \(key) -v2 aes-256-cbc -passout \(Shell.quote("pass:" + Self.passphrase)) "
                + "-out \(Shell.quote(directory.file("encrypted.pem")))"
        )
        guard result.status == 0 else {
            throw SysproBQError(
                .internalError,
                "openssl key generation failed: \(result.standardError)",
                disposition: .terminal
            )
        }
    }

    func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

@Suite struct RS256Tests {
    static let message = Array("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJsb2FkZXJAcHJvamVjdCJ9".utf8)

    /// A signature made in Swift verifies with `openssl dgst -verify`, equals `openssl dgst -sign`'s (PKCS#1 v1.5
    /// is deterministic) and verifies with RS256Verifier; a changed message does not.
    @Test func signatureVerifiesWithOpenSSL() throws {
        try TemporaryDirectory.with { directory in
            let keys = try OpenSSLKeys(directory: directory)
            let signer = try RS256Signer(pemPrivateKey: keys.text(keys.pkcs8))
            let signature = try signer.sign(Self.message)
            #expect(signature.count == 256)
            try directory.write(signature, to: "sig.bin")
            try directory.write(Self.message, to: "msg")
            let verify = try Shell.run(
                "openssl dgst -sha256 -verify \(Shell.quote(keys.publicKey)) -signature "
                    + "\(Shell.quote(directory.file("sig.bin"))) \(Shell.quote(directory.file("msg")))"
            )
            #expect(verify.status == 0)
            #expect(verify.standardOutput.contains("Verified OK"))
            let reference = try Shell.run(
                "openssl dgst -sha256 -sign \(Shell.quote(keys.pkcs8)) -out \(Shell.quote(directory.file("ref.sig"))) "
                    + Shell.quote(directory.file("msg"))
            )
            #expect(reference.status == 0)
            #expect(try directory.read("ref.sig") == signature)

            let verifier = try RS256Verifier(pemPublicKey: keys.text(keys.publicKey))
            #expect(verifier.verify(signature: signature, message: Self.message))
            #expect(!verifier.verify(signature: signature, message: Self.message + [0x20]))
            var damaged = signature
            damaged[100] ^= 1
            #expect(!verifier.verify(signature: damaged, message: Self.message))
            #expect(!verifier.verify(signature: [], message: Self.message))
            let fromPrivate = try RS256Verifier(pemPrivateKeyForPublicPart: keys.text(keys.pkcs8))
            #expect(fromPrivate.verify(signature: signature, message: Self.message))
            #expect(verifier.verify(signature: try signer.sign([]), message: []))
        }
    }

    /// PKCS#1 and encrypted PKCS#8 forms of the same key sign identically; a wrong or missing passphrase is a
    /// credentials error that quotes neither the key nor the passphrase.
    @Test func keyFormsAndPassphrases() throws {
        try TemporaryDirectory.with { directory in
            let keys = try OpenSSLKeys(directory: directory)
            let expected = try RS256Signer(pemPrivateKey: keys.text(keys.pkcs8)).sign(Self.message)
            #expect(try keys.text(keys.pkcs1).contains("BEGIN RSA PRIVATE KEY"))
            #expect(try RS256Signer(pemPrivateKey: keys.text(keys.pkcs1)).sign(Self.message) == expected)
            let encryptedPEM = try keys.text(keys.encrypted)
            #expect(encryptedPEM.contains("BEGIN ENCRYPTED PRIVATE KEY"))
            let unlocked = try RS256Signer(pemPrivateKey: encryptedPEM, passphrase: OpenSSLKeys.passphrase)
            #expect(try unlocked.sign(Self.message) == expected)

            for passphrase in ["wrong passphrase", nil] {
                let error = #expect(throws: SysproBQError.self) {
                    try RS256Signer(pemPrivateKey: encryptedPEM, passphrase: passphrase)
                }
                #expect(error?.code == .credentials)
                #expect(error?.disposition == .needsHuman)
                let everything = "\(error?.detailedDescription ?? "")"
                #expect(!everything.contains("wrong passphrase"))
                #expect(!everything.contains(String(encryptedPEM.split(separator: "\n")[1].prefix(20))))
            }
        }
    }

    /// Text that is not an RSA private key is refused as a credentials error that does not quote it.
    @Test func invalidKeysAreRefusedWithoutQuotingThem() throws {
        try TemporaryDirectory.with { directory in
            let secretLooking =
                "-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3\n-----END PRIVATE KEY-----\n"
            for text in ["", "not a key", secretLooking] {
                let error = #expect(throws: SysproBQError.self) { try RS256Signer(pemPrivateKey: text) }
                #expect(error?.code == .credentials)
                #expect(error?.detailedDescription.contains("TUlJRXZRSUJB") == false)
            }
            let ecKey = directory.file("ec.pem")
            let result = try Shell.run(
                "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \(Shell.quote(ecKey))"
            )
            #expect(result.status == 0)
            let error = #expect(throws: SysproBQError.self) {
                try RS256Signer(pemPrivateKey: String(contentsOfFile: ecKey, encoding: .utf8))
            }
            #expect(error?.message.contains("not an RSA key") == true)
            #expect(throws: SysproBQError.self) { try RS256Verifier(pemPublicKey: "-----BEGIN PUBLIC KEY-----\n") }
        }
    }
}
