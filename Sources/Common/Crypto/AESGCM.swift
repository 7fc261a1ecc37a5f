internal import CCrypto

/// AES-256-GCM authenticated encryption (NIST SP 800-38D) over OpenSSL's EVP cipher API, for secrets at rest.
///
/// ``seal(_:key:associatedData:)`` returns one self-contained box: a fresh random 12-byte nonce, the
/// ciphertext (as long as the plaintext) and the 16-byte authentication tag. ``open(_:key:associatedData:)``
/// returns the plaintext only when the tag verifies; any altered bit, a wrong key, wrong associated data or a
/// truncated box throws, and no partial plaintext is ever returned.
///
/// Nonces are random (96 bits): keep the number of boxes sealed under one key well below 2³² (SP 800-38D §8.3),
/// which a credential store never approaches.
///
/// Thread-safe: every call uses its own `EVP_CIPHER_CTX`. The corresponding C functions are
/// `EVP_EncryptInit_ex`, `EVP_EncryptUpdate`, `EVP_EncryptFinal_ex`, their `Decrypt` twins and
/// `EVP_CIPHER_CTX_ctrl` (`EVP_CTRL_GCM_*`).
public enum AESGCM {
    /// The key length: 32 bytes (AES-256).
    public static let keyByteCount = 32
    /// The nonce length: 12 bytes, GCM's native IV size.
    public static let nonceByteCount = 12
    /// The authentication tag length: 16 bytes (the full GCM tag).
    public static let tagByteCount = 16
    /// EVP update lengths are `int`; data is fed in slices of at most 1 MiB.
    static let maximumSlice = 1 << 20

    /// Encrypts and authenticates `plaintext` (and authenticates `associatedData`) with a random nonce.
    ///
    /// - Returns: nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
    /// - Throws: `.credentials` when `key` is not 32 bytes; `.internalError` if OpenSSL fails.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        try seal(plaintext, key: key, associatedData: associatedData, nonce: SecureRandom.bytes(nonceByteCount))
    }

    /// Seals with a caller-chosen nonce. Internal: only known-answer tests may fix the nonce, because reusing
    /// a nonce under one key breaks GCM completely.
    static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        try checkKey(key)
        precondition(nonce.count == nonceByteCount, "AES-GCM nonce must be 12 bytes")
        let context = try CipherContext()
        var box = [UInt8](repeating: 0, count: nonceByteCount + plaintext.count + tagByteCount)
        try box.withUnsafeMutableBufferPointer { output in
            let base = output.baseAddress!
            for index in 0..<nonceByteCount { base[index] = nonce[index] }
            try context.check(EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil), "EncryptInit")
            try context.check(
                EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil),
                "set IV length"
            )
            try key.withUnsafeBufferPointer { keyBytes in
                try context.check(
                    EVP_EncryptInit_ex(context.pointer, nil, nil, keyBytes.baseAddress, base),
                    "EncryptInit key"
                )
            }
            try feed(associatedData, into: nil) { input, count, output, written in
                EVP_EncryptUpdate(context.pointer, output, written, input, count)
            }
            let ciphertextStart = base + nonceByteCount
            let produced = try feed(plaintext, into: ciphertextStart) { input, count, output, written in
                EVP_EncryptUpdate(context.pointer, output, written, input, count)
            }
            var finalLength: Int32 = 0
            try context.check(
                EVP_EncryptFinal_ex(context.pointer, ciphertextStart + produced, &finalLength),
                "EncryptFinal"
            )
            try context.check(
                EVP_CIPHER_CTX_ctrl(
                    context.pointer,
                    EVP_CTRL_GCM_GET_TAG,
                    Int32(tagByteCount),
                    ciphertextStart + plaintext.count
                ),
                "get tag"
            )
        }
        return box
    }

    /// Verifies and decrypts a box made by ``seal(_:key:associatedData:)``.
    ///
    /// - Throws: `.corruption` when the box is shorter than a nonce and a tag; `.credentials` ("authentication
    ///   tag mismatch: wrong master key or the file was altered") when verification fails; `.credentials` when
    ///   `key` is not 32 bytes. No plaintext is returned or left in memory on failure.
    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        try checkKey(key)
        guard box.count >= nonceByteCount + tagByteCount else {
            throw SysproBQError(
                .corruption,
                "encrypted data is truncated: \(box.count) bytes, at least \(nonceByteCount + tagByteCount) expected",
                remedy: "the encrypted file was cut short; restore it or store the secret again",
                disposition: .needsHuman
            )
        }
        let ciphertextCount = box.count - nonceByteCount - tagByteCount
        let context = try CipherContext()
        var plaintext = [UInt8](repeating: 0, count: ciphertextCount)
        var tag = Array(box[(box.count - tagByteCount)...])
        let verified = try box.withUnsafeBufferPointer { input -> Bool in
            let nonce = input.baseAddress!
            try context.check(EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil), "DecryptInit")
            try context.check(
                EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil),
                "set IV length"
            )
            try key.withUnsafeBufferPointer { keyBytes in
                try context.check(
                    EVP_DecryptInit_ex(context.pointer, nil, nil, keyBytes.baseAddress, nonce),
                    "DecryptInit key"
                )
            }
            try feed(associatedData, into: nil) { input, count, output, written in
                EVP_DecryptUpdate(context.pointer, output, written, input, count)
            }
            let ciphertext = Array(input[nonceByteCount..<(nonceByteCount + ciphertextCount)])
            let produced = try plaintext.withUnsafeMutableBufferPointer { output in
                try feed(ciphertext, into: output.baseAddress) { input, count, output, written in
                    EVP_DecryptUpdate(context.pointer, output, written, input, count)
                }
            }
            try tag.withUnsafeMutableBytes { tagBytes in
                try context.check(
                    EVP_CIPHER_CTX_ctrl(
                        context.pointer,
                        EVP_CTRL_GCM_SET_TAG,
                        Int32(tagByteCount),
                        tagBytes.baseAddress
                    ),
                    "set tag"
                )
            }
            var finalLength: Int32 = 0
            let status = plaintext.withUnsafeMutableBufferPointer { output in
                // A scratch byte keeps the pointer valid when the plaintext is empty.
                var scratch: UInt8 = 0
                return withUnsafeMutablePointer(to: &scratch) { fallback in
                    EVP_DecryptFinal_ex(context.pointer, (output.baseAddress ?? fallback) + produced, &finalLength)
                }
            }
            return status > 0
        }
        guard verified else {
            // DecryptUpdate wrote unauthenticated plaintext: wipe it before the array is released.
            for index in plaintext.indices { plaintext[index] = 0 }
            _ = OpenSSLError.lastErrorTextIfAny()
            throw SysproBQError(
                .credentials,
                "authentication tag mismatch: wrong master key or the file was altered",
                remedy: "check that the master key (environment variable or key file) is the one the secrets were "
                    + "stored with; if it is, the encrypted file was changed and the secret must be stored again",
                disposition: .needsHuman
            )
        }
        return plaintext
    }

    private static func checkKey(_ key: [UInt8]) throws {
        guard key.count == keyByteCount else {
            throw SysproBQError(
                .credentials,
                "the AES-256-GCM master key must be 32 bytes, got \(key.count)",
                remedy: "provide a 32-byte master key (64 hex digits or 32 raw bytes, as the key file format says)",
                disposition: .needsHuman
            )
        }
    }

    /// Feeds `input` to an EVP update function in slices; returns the bytes written to `output` (none for AAD).
    @discardableResult
    private static func feed(
        _ input: [UInt8],
        into output: UnsafeMutablePointer<UInt8>?,
        _ update: (UnsafePointer<UInt8>, Int32, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int32>) -> Int32
    ) throws -> Int {
        guard !input.isEmpty else { return 0 }
        return try input.withUnsafeBufferPointer { bytes in
            var offset = 0
            var produced = 0
            while offset < bytes.count {
                let slice = min(maximumSlice, bytes.count - offset)
                var written: Int32 = 0
                let status = update(bytes.baseAddress! + offset, Int32(slice), output.map { $0 + produced }, &written)
                guard status == 1 else {
                    throw SysproBQError(
                        .internalError,
                        "AES-GCM update failed",
                        cause: .openssl(text: OpenSSLError.lastErrorText()),
                        disposition: .terminal
                    )
                }
                offset += slice
                produced += Int(written)
            }
            return produced
        }
    }
}

/// Owns one `EVP_CIPHER_CTX` for the duration of a seal or open call.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = EVP_CIPHER_CTX_new() else {
            throw SysproBQError(.internalError, "EVP_CIPHER_CTX_new failed", disposition: .retryable)
        }
        self.pointer = pointer
    }

    deinit {
        EVP_CIPHER_CTX_free(pointer)
    }

    func check(_ status: Int32, _ step: String) throws {
        guard status == 1 else {
            throw SysproBQError(
                .internalError,
                "AES-GCM \(step) failed",
                cause: .openssl(text: OpenSSLError.lastErrorText()),
                disposition: .terminal
            )
        }
    }
}
