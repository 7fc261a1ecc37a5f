internal import CCrypto

/// Streaming SHA-256 (FIPS 180-4) over OpenSSL's EVP digest API, which uses the CPU's SHA extensions.
///
/// Feed bytes with `update` in pieces of any size and read the digest with ``finalize()``. `finalize` also
/// resets the hasher, so the same instance can hash another message.
///
/// This class is not thread-safe: use one hasher per task or thread. It owns an `EVP_MD_CTX`, freed in
/// `deinit`. The corresponding C functions are `EVP_DigestInit_ex`, `EVP_DigestUpdate` and `EVP_DigestFinal_ex`.
public final class SHA256Hasher {
    /// EVP lengths are fed in slices of at most 1 MiB (STYLE: never rely on a C length type being wide).
    static let maximumSlice = 1 << 20

    private let context: OpaquePointer

    /// Creates a hasher for a new message.
    ///
    /// Traps if OpenSSL cannot allocate a digest context: that only happens when memory is exhausted.
    public init() {
        guard let context = EVP_MD_CTX_new() else {
            fatalError("EVP_MD_CTX_new failed: out of memory")
        }
        self.context = context
        Self.initialize(context)
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `buffer` to the message. The buffer is only read during the call.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var offset = 0
        while offset < buffer.count {
            let slice = min(Self.maximumSlice, buffer.count - offset)
            guard EVP_DigestUpdate(context, base + offset, slice) == 1 else {
                fatalError("EVP_DigestUpdate failed for SHA-256: \(OpenSSLError.lastErrorText())")
            }
            offset += slice
        }
    }

    /// Adds `bytes` to the message.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the digest of everything added since the last reset, and resets the hasher for a new message.
    public func finalize() -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard status == 1, length == UInt32(SHA256Digest.byteCount) else {
            fatalError("EVP_DigestFinal_ex failed for SHA-256: \(OpenSSLError.lastErrorText())")
        }
        Self.initialize(context)
        return SHA256Digest(bytes: output)!
    }

    /// Writes the digest of everything added since the last reset into `output` (32 bytes) and resets the
    /// hasher; unlike ``finalize()`` it allocates nothing, for per-row hashing on hot paths.
    ///
    /// - Parameter output: at least ``SHA256Digest/byteCount`` bytes; only written during the call.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= SHA256Digest.byteCount, "a SHA-256 digest needs 32 bytes")
        var length: UInt32 = 0
        let status = EVP_DigestFinal_ex(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
        guard status == 1, length == UInt32(SHA256Digest.byteCount) else {
            fatalError("EVP_DigestFinal_ex failed for SHA-256: \(OpenSSLError.lastErrorText())")
        }
        Self.initialize(context)
    }

    private static func initialize(_ context: OpaquePointer) {
        guard EVP_DigestInit_ex(context, fetchedSHA256, nil) == 1 else {
            fatalError("EVP_DigestInit_ex failed for SHA-256: \(OpenSSLError.lastErrorText())")
        }
    }
}

/// One-shot SHA-256. Thread-safe (each call uses its own context).
public enum SHA256 {
    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The SHA-256 digest of `buffer`, which is only read during the call.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        output.withUnsafeMutableBytes { hash(buffer, into: $0) }
        return SHA256Digest(bytes: output)!
    }

    /// Writes the SHA-256 digest of `buffer` into `output` (at least 32 bytes), allocating nothing: the per-row
    /// hashes (insertIds, content versions, key digests) use this. It hashes on a stack context with OpenSSL's
    /// low-level functions, about half the time of the EVP route for a short message (CCrypto's shim says why).
    public static func hash(_ buffer: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= SHA256Digest.byteCount, "a SHA-256 digest needs 32 bytes")
        let target = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // A non-nil pointer for an empty message: SHA256_Update reads nothing then.
        let status = CCrypto_sha256(buffer.baseAddress ?? UnsafeRawPointer(target), buffer.count, target)
        guard status == 1 else {
            fatalError("SHA256 failed: \(OpenSSLError.lastErrorText())")
        }
    }
}

/// SHA-256 fetched from OpenSSL's default provider once per process.
///
/// With OpenSSL 3, `EVP_DigestInit_ex(ctx, EVP_sha256(), nil)` looks the algorithm up in the provider on every
/// call (`EVP_MD_fetch`); callgrind showed that lookup at 8% of an extract's instructions, more than the hashing
/// itself. A fetched `EVP_MD` is immutable and safe to share between threads, so one is kept for the process
/// lifetime (never freed). See https://www.openssl.org/docs/man3.0/man7/crypto.html ("Performance").
nonisolated(unsafe) private let fetchedSHA256: OpaquePointer = {
    guard let digest = EVP_MD_fetch(nil, "SHA256", nil) else {
        fatalError("EVP_MD_fetch(SHA256) failed: \(OpenSSLError.lastErrorText())")
    }
    return digest
}()
