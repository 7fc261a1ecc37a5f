internal import CCrypto

/// Cryptographically secure random bytes from OpenSSL's CSPRNG (seeded from the operating system).
///
/// Used for AES-GCM nonces, run ids and temporary names that must not collide. Thread-safe: OpenSSL 3's
/// default random generator is safe to call from any thread. The corresponding C function is `RAND_bytes`.
public enum SecureRandom {
    /// `count` random bytes. Traps if the generator fails, which only happens when it cannot be seeded:
    /// continuing with predictable bytes would be worse than stopping.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes needs a count >= 0")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                // RAND_bytes takes an int length; feed it in slices of at most 1 MiB.
                let slice = min(buffer.count - offset, 1 << 20)
                guard RAND_bytes(buffer.baseAddress! + offset, Int32(slice)) == 1 else {
                    fatalError("RAND_bytes failed: \(OpenSSLError.lastErrorText())")
                }
                offset += slice
            }
        }
        return bytes
    }
}
