internal import CCrypto

/// RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) for the OAuth JWT assertion that a Google
/// service account sends to the token endpoint.
///
/// Thread-safe: the `EVP_PKEY` is only read after loading, and each ``sign(_:)`` uses its own `EVP_MD_CTX`
/// (safe with OpenSSL 3). The key is freed in `deinit`. Errors never contain key material.
///
/// The corresponding C functions are `PEM_read_bio_PrivateKey`, `EVP_DigestSignInit` and `EVP_DigestSign`.
public final class RS256Signer: @unchecked Sendable {
    private let key: OpaquePointer

    /// Loads an RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`, as in Google JSON key files), encrypted
    /// PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    ///
    /// - Parameters:
    ///   - pemPrivateKey: the PEM text.
    ///   - passphrase: the passphrase of an encrypted key; ignored for an unencrypted one. OpenSSL never prompts.
    /// - Throws: `.credentials` when the text is not an RSA private key or the passphrase is wrong or missing.
    public init(pemPrivateKey: String, passphrase: String? = nil) throws {
        key = try PEMKey.readPrivateKey(pemPrivateKey, passphrase: passphrase)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The RS256 signature of `message` (the JWT signing input `header.payload`), as many bytes as the modulus.
    ///
    /// - Throws: `.internalError` if OpenSSL fails to sign (it does not for a valid RSA key).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw SysproBQError(.internalError, "EVP_MD_CTX_new failed", disposition: .retryable)
        }
        defer { EVP_MD_CTX_free(context) }
        // The default RSA padding for EVP_DigestSign is PKCS#1 v1.5, which is what RS256 means.
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw signingFailure("EVP_DigestSignInit")
        }
        var length = 0
        let padded = message.isEmpty ? [0] : message
        let status = padded.withUnsafeBufferPointer { input -> Int32 in
            guard EVP_DigestSign(context, nil, &length, input.baseAddress, message.count) == 1 else { return 0 }
            return 1
        }
        guard status == 1, length > 0 else { throw signingFailure("EVP_DigestSign (length)") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = signature.withUnsafeMutableBufferPointer { output in
            padded.withUnsafeBufferPointer { input in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, message.count)
            }
        }
        guard signed == 1 else { throw signingFailure("EVP_DigestSign") }
        signature.removeLast(signature.count - length)
        return signature
    }

    private func signingFailure(_ call: String) -> SysproBQError {
        SysproBQError(
            .internalError,
            "RS256 signing failed in \(call)",
            cause: .openssl(text: OpenSSLError.lastErrorText()),
            disposition: .terminal
        )
    }
}

/// Verifies RS256 signatures; used by the fake BigQuery token server to check JWT assertions.
///
/// Thread-safe for the same reason as ``RS256Signer``. The corresponding C functions are
/// `PEM_read_bio_PUBKEY`, `EVP_DigestVerifyInit` and `EVP_DigestVerify`.
public final class RS256Verifier: @unchecked Sendable {
    private let key: OpaquePointer

    /// Loads an RSA public key in SubjectPublicKeyInfo PEM form (`BEGIN PUBLIC KEY`).
    ///
    /// - Throws: `.credentials` when the text is not an RSA public key.
    public init(pemPublicKey: String) throws {
        key = try PEMKey.readPublicKey(pemPublicKey)
    }

    /// Uses the public half of an RSA private key (a test server can then share the key file with the client).
    ///
    /// - Throws: `.credentials` as ``RS256Signer/init(pemPrivateKey:passphrase:)`` does.
    public init(pemPrivateKeyForPublicPart pem: String, passphrase: String? = nil) throws {
        key = try PEMKey.readPrivateKey(pem, passphrase: passphrase)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` is a valid RS256 signature of `message` under this key.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            // A failed verification queues an OpenSSL error; clear it so it cannot leak into a later message.
            _ = OpenSSLError.lastErrorTextIfAny()
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        let padded = message.isEmpty ? [0] : message
        let status = signature.withUnsafeBufferPointer { signatureBytes in
            padded.withUnsafeBufferPointer { input in
                EVP_DigestVerify(context, signatureBytes.baseAddress, signature.count, input.baseAddress, message.count)
            }
        }
        return status == 1
    }
}
