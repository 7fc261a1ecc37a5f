internal import CZlib

/// The CRC-32 of ISO 3309 / ITU-T V.42 (the gzip and PNG checksum, polynomial 0xEDB88320 reflected), from zlib.
///
/// Used to checksum journal lines and segment records. `checksum("123456789") == 0xCBF43926`.
/// Thread-safe (pure function). The corresponding C function is `crc32_z`.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `initial` (the CRC of the bytes that came before, or 0).
    ///
    /// `checksum(b, initial: checksum(a)) == checksum(a + b)`, so long inputs can be checksummed in pieces.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        // crc32_z(crc, NULL, 0) returns the initial value 0 rather than `crc`, so empty input is handled here.
        guard let base = bytes.baseAddress, bytes.count > 0 else { return initial }
        let value = crc32_z(uLong(initial), base.assumingMemoryBound(to: Bytef.self), bytes.count)
        return UInt32(truncatingIfNeeded: value)
    }

    /// The CRC-32 of `bytes`, continuing from `initial`.
    public static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, initial: initial) }
    }
}
