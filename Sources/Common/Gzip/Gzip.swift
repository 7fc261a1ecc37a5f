/// One-shot gzip helpers for small buffers; use ``GzipCompressor`` and ``GzipDecompressor`` for streams.
///
/// Both functions hold the whole input and output in memory. They are thread-safe (no shared state).
public enum Gzip {
    /// Compresses `bytes` into one gzip member.
    ///
    /// - Throws: `.internalError` for an out-of-range level.
    public static func compress(_ bytes: [UInt8], level: Int32 = 1) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 3 + 64)
        try bytes.withUnsafeBytes { try GzipCompressor.compressMember($0, level: level, appendingTo: &output) }
        return output
    }

    /// Decompresses every gzip member in `bytes` and returns the concatenation of their contents.
    ///
    /// - Throws: `.corruption` for corrupt or truncated data, or when `bytes` holds no complete member.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        let decompressor = try GzipDecompressor()
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 4)
        try decompressor.update(bytes) { output.append(contentsOf: $0) }
        try decompressor.finish()
        return output
    }
}
