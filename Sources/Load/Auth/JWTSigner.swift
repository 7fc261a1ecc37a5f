import Common

/// Signs a JWT signing input with RS256 (RSASSA-PKCS1-v1_5 with SHA-256) through Common's libcrypto wrapper.
enum JWTSigner {
    /// The signature bytes of `message` under the PEM private key.
    /// - Throws: a `.credentials` error when the key cannot be loaded; the key text is never quoted.
    static func sign(_ message: [UInt8], pemPrivateKey: String) throws -> [UInt8] {
        let signer = try RS256Signer(pemPrivateKey: pemPrivateKey, passphrase: nil)
        return try signer.sign(message)
    }
}
