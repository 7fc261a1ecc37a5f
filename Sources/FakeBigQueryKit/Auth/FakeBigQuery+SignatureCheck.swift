import Common

extension FakeBigQuery {
    /// A signature check for `FakeBigQuery.init` backed by the service account's key.
    ///
    /// - Parameter publicKeyPEM: A `BEGIN PUBLIC KEY` PEM, or a private key PEM whose public half is used
    ///   (so a test can hand the fake the same key file the client signs with).
    /// - Throws: `SysproBQError` (`.credentials`) when the PEM is not an RSA key.
    public static func signatureCheck(publicKeyPEM: String) throws -> @Sendable ([UInt8], [UInt8]) -> Bool {
        let verifier =
            publicKeyPEM.contains("PRIVATE KEY")
            ? try RS256Verifier(pemPrivateKeyForPublicPart: publicKeyPEM)
            : try RS256Verifier(pemPublicKey: publicKeyPEM)
        return { message, signature in verifier.verify(signature: signature, message: message) }
    }
}
