internal import CCrypto

/// Reads OpenSSL's thread-local error queue for error causes.
///
/// OpenSSL error strings name the failing routine and reason (for example `bad decrypt`); they never contain key
/// material, so they are safe to put in an error's cause.
enum OpenSSLError {
    /// The text of the oldest queued error, then clears the queue. "no OpenSSL error queued" when empty.
    static func lastErrorText() -> String {
        lastErrorTextIfAny() ?? "no OpenSSL error queued"
    }

    /// The text of the oldest queued error, or nil when the queue is empty; clears the queue.
    static func lastErrorTextIfAny() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let code = buffer.withUnsafeMutableBufferPointer { CCrypto_last_error($0.baseAddress, $0.count) }
        guard code != 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
