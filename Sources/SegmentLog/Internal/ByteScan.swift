#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Byte searches on the row hot paths (splitting blocks into lines, validating rows).
///
/// `memchr`/`memcmp` are library functions, not system calls, so they bypass the syscall layer. The generic
/// `Collection.firstIndex(of:)` on buffer slices is several times slower, which matters at millions of rows.
enum ByteScan {
    /// The index of the first `byte` in `buffer` at or after `start`, or `nil`.
    static func firstIndex(of byte: UInt8, in buffer: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        guard let found = memchr(base + start, Int32(byte), buffer.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// Whether `left` sorts before `right` in unsigned byte order (a prefix first).
    static func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(left.count, right.count)
        if common > 0 {
            let order = memcmp(left.baseAddress!, right.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return left.count < right.count
    }

    /// Whether `buffer` begins with `prefix`.
    static func hasPrefix(_ buffer: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard buffer.count >= prefix.count, let base = buffer.baseAddress else { return prefix.isEmpty }
        return prefix.withUnsafeBytes { memcmp(base, $0.baseAddress!, prefix.count) == 0 }
    }
}
