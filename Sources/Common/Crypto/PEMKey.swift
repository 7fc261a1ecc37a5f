internal import CCrypto

/// Loads PEM keys into `EVP_PKEY` handles without ever prompting and without quoting key material.
enum PEMKey {
    /// Reads an RSA private key (PKCS#8 `PRIVATE KEY`, encrypted PKCS#8 `ENCRYPTED PRIVATE KEY`, or PKCS#1
    /// `RSA PRIVATE KEY`). The caller owns the returned key and frees it with `EVP_PKEY_free`.
    ///
    /// A passphrase is always passed (the empty string when none is given): with a nil callback OpenSSL then
    /// uses it instead of its default terminal prompt, so a batch run fails with "bad decrypt" rather than
    /// hanging (reference: swift-c-interop.md, pitfall 7).
    static func readPrivateKey(_ pem: String, passphrase: String?) throws -> OpaquePointer {
        let key = try withMemoryBIO(pem) { bio -> OpaquePointer? in
            (passphrase ?? "").withCString { passphrasePointer in
                PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: passphrasePointer))
            }
        }
        guard let key else {
            let reason = OpenSSLError.lastErrorText()
            throw SysproBQError(
                .credentials,
                "the RSA private key could not be read: not a PEM private key, or a wrong or missing passphrase",
                remedy: "store the service-account key again (the private_key field of the JSON key file); "
                    + "for an encrypted key, check its passphrase",
                cause: .openssl(text: reason),
                disposition: .needsHuman
            )
        }
        try requireRSA(key)
        return key
    }

    /// Reads an RSA public key in SubjectPublicKeyInfo form (`BEGIN PUBLIC KEY`). The caller frees it.
    static func readPublicKey(_ pem: String) throws -> OpaquePointer {
        let key = try withMemoryBIO(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        guard let key else {
            throw SysproBQError(
                .credentials,
                "the RSA public key could not be read: not a PEM public key (BEGIN PUBLIC KEY)",
                cause: .openssl(text: OpenSSLError.lastErrorText()),
                disposition: .needsHuman
            )
        }
        try requireRSA(key)
        return key
    }

    private static func requireRSA(_ key: OpaquePointer) throws {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw SysproBQError(
                .credentials,
                "the key is not an RSA key; RS256 needs RSA",
                disposition: .needsHuman
            )
        }
    }

    /// Runs `body` with a read-only memory BIO over the UTF-8 bytes of `pem`.
    ///
    /// `BIO_new_mem_buf` does not copy: the BIO is created, used and freed inside `withUnsafeBytes`.
    private static func withMemoryBIO<Result>(
        _ pem: String,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        let bytes = Array(pem.utf8)
        guard bytes.count < Int(Int32.max) else {
            throw SysproBQError(.credentials, "the PEM text is too large to be a key", disposition: .needsHuman)
        }
        return try bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw SysproBQError(.internalError, "BIO_new_mem_buf failed", disposition: .retryable)
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }
}
