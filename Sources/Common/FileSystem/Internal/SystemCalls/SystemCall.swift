#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one libc call that returns -1 and sets `errno` on failure, the way every `system_*` function does.
///
/// - Reads `errno` immediately after the call, before anything else can overwrite it.
/// - Retries `EINTR` (a signal arrived before the call did anything), except for calls where a retry is wrong
///   (`close`, see its comment).
/// - Treats `EBADF` and `EFAULT` as bugs: they mean a closed descriptor or a bad pointer was passed, which no
///   caller can handle (STYLE.md §14; NIO's `isUnacceptableErrno`).
/// - In debug builds, consults ``SystemCallFaults`` first, so tests can force an errno on the Nth call.
@inline(__always)
func valueOrErrno<Value: FixedWidthInteger>(
    _ call: String,
    retryOnInterrupt: Bool = true,
    _ body: () -> Value
) -> Result<Value, SystemCallError> {
    while true {
        #if DEBUG
        if let injected = SystemCallFaults.consume(call: call) {
            if injected == EINTR && retryOnInterrupt { continue }
            return .failure(SystemCallError(errno: injected, call: call))
        }
        #endif
        let value = body()
        guard value == -1 else { return .success(value) }
        let code = errno
        if code == EINTR && retryOnInterrupt { continue }
        precondition(code != EBADF && code != EFAULT, "\(call) failed with errno \(code): a programming error")
        return .failure(SystemCallError(errno: code, call: call))
    }
}

/// Like ``valueOrErrno(_:retryOnInterrupt:_:)`` for calls that signal failure with a nil pointer.
@inline(__always)
func pointerOrErrno<Pointer>(_ call: String, _ body: () -> Pointer?) -> Result<Pointer, SystemCallError> {
    while true {
        #if DEBUG
        if let injected = SystemCallFaults.consume(call: call) {
            if injected == EINTR { continue }
            return .failure(SystemCallError(errno: injected, call: call))
        }
        #endif
        if let pointer = body() { return .success(pointer) }
        let code = errno
        if code == EINTR { continue }
        precondition(code != EBADF && code != EFAULT, "\(call) failed with errno \(code): a programming error")
        return .failure(SystemCallError(errno: code, call: call))
    }
}
