import CCrypto

/// An RSA public key loaded from PEM, verifying RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3).
///
/// Owns one `EVP_PKEY`, freed in `deinit`. `verify` creates its own digest context per call, so one key
/// may be used from many threads at once (OpenSSL 3 keys are read-only once loaded).
final class RS256PublicKey: @unchecked Sendable {
    /// The PEM could not be read as a public key.
    struct InvalidKey: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    private let key: OpaquePointer

    /// Loads a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM.
    ///
    /// The corresponding C function is `PEM_read_bio_PUBKEY`.
    init(pem: String) throws(InvalidKey) {
        let bytes = Array(pem.utf8)
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let loaded else { throw InvalidKey(description: "OpenSSL: \(Self.lastError())") }
        guard EVP_PKEY_get_base_id(loaded) == EVP_PKEY_RSA else {
            EVP_PKEY_free(loaded)
            throw InvalidKey(description: "the key is not an RSA key")
        }
        key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` is a valid RS256 signature of `message` under this key.
    ///
    /// The corresponding C functions are `EVP_DigestVerifyInit` and `EVP_DigestVerify`.
    func verify(_ message: [UInt8], _ signature: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        let result = message.withUnsafeBufferPointer { messageBuffer in
            signature.withUnsafeBufferPointer { signatureBuffer in
                EVP_DigestVerify(
                    context,
                    signatureBuffer.baseAddress,
                    signatureBuffer.count,
                    messageBuffer.baseAddress,
                    messageBuffer.count
                )
            }
        }
        _ = Self.lastError()
        return result == 1
    }

    private static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = CCrypto_last_error(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension FakeBigQuery {
    /// A signature check for `FakeBigQuery.init` backed by the service account's public key (PEM).
    ///
    /// - Throws: When the PEM is not an RSA public key.
    public static func signatureCheck(publicKeyPEM: String) throws -> @Sendable ([UInt8], [UInt8]) -> Bool {
        let key = try RS256PublicKey(pem: publicKeyPEM)
        return { message, signature in key.verify(message, signature) }
    }
}
