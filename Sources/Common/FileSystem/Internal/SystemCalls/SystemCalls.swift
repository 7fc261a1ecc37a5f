#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The one place syspro-bq calls libc for files (STYLE.md §14). Each function is a thin wrapper: same arguments,
// a Result instead of -1/errno, EINTR retried, the call's name kept for messages. Nothing here knows about
// paths beyond passing them through; the public types turn failures into SysproBQError naming the path.

/// The corresponding C function is `open`.
func system_open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Result<Int32, SystemCallError> {
    #if DEBUG
    // A read-only file system refuses only opens that could write; `open-for-writing` lets tests say so.
    if flags & (O_WRONLY | O_RDWR | O_CREAT) != 0, let injected = SystemCallFaults.consume(call: "open-for-writing") {
        return .failure(SystemCallError(errno: injected, call: "open"))
    }
    #endif
    return valueOrErrno("open") { open(path, flags, mode) }
}

/// The corresponding C function is `close`.
///
/// Never retried: on Linux the descriptor is released even when close reports EINTR, and a retry could close
/// a descriptor another thread has just been given (see close(2), "Dealing with error returns from close()").
func system_close(_ descriptor: Int32) -> Result<Void, SystemCallError> {
    valueOrErrno("close", retryOnInterrupt: false) { close(descriptor) }.map { _ in () }
}

/// The corresponding C function is `write`. May write fewer bytes than asked; callers loop.
func system_write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Result<Int, SystemCallError> {
    let count = allowedWriteCount(buffer.count)
    return valueOrErrno("write") { write(descriptor, buffer.baseAddress, count) }
}

/// The corresponding C function is `pwrite`. May write fewer bytes than asked; callers loop.
func system_pwrite(
    _ descriptor: Int32,
    _ buffer: UnsafeRawBufferPointer,
    at offset: Int64
) -> Result<Int, SystemCallError> {
    let count = allowedWriteCount(buffer.count)
    return valueOrErrno("pwrite") { pwrite(descriptor, buffer.baseAddress, count, off_t(offset)) }
}

/// The corresponding C function is `read`. Returns 0 at end of file.
func system_read(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Result<Int, SystemCallError> {
    valueOrErrno("read") { read(descriptor, buffer.baseAddress, buffer.count) }
}

/// The corresponding C function is `pread`. Returns 0 at or beyond end of file.
func system_pread(
    _ descriptor: Int32,
    _ buffer: UnsafeMutableRawBufferPointer,
    at offset: Int64
) -> Result<Int, SystemCallError> {
    valueOrErrno("pread") { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
}

/// The corresponding C function is `fsync`.
func system_fsync(_ descriptor: Int32) -> Result<Void, SystemCallError> {
    valueOrErrno("fsync") { fsync(descriptor) }.map { _ in () }
}

/// The corresponding C function is `ftruncate`.
func system_ftruncate(_ descriptor: Int32, _ size: Int64) -> Result<Void, SystemCallError> {
    valueOrErrno("ftruncate") { ftruncate(descriptor, off_t(size)) }.map { _ in () }
}

/// The corresponding C function is `fstat`.
func system_fstat(_ descriptor: Int32) -> Result<stat, SystemCallError> {
    var information = stat()
    return valueOrErrno("fstat") { fstat(descriptor, &information) }.map { _ in information }
}

/// The corresponding C function is `stat` (follows symbolic links).
func system_stat(_ path: String) -> Result<stat, SystemCallError> {
    var information = stat()
    return valueOrErrno("stat") { stat(path, &information) }.map { _ in information }
}

/// The corresponding C function is `lstat` (does not follow a final symbolic link).
func system_lstat(_ path: String) -> Result<stat, SystemCallError> {
    var information = stat()
    return valueOrErrno("lstat") { lstat(path, &information) }.map { _ in information }
}

/// The corresponding C function is `rename`. Atomic within one file system.
func system_rename(_ source: String, _ destination: String) -> Result<Void, SystemCallError> {
    valueOrErrno("rename") { rename(source, destination) }.map { _ in () }
}

/// The corresponding C function is `unlink`.
func system_unlink(_ path: String) -> Result<Void, SystemCallError> {
    valueOrErrno("unlink") { unlink(path) }.map { _ in () }
}

/// The corresponding C function is `rmdir`.
func system_rmdir(_ path: String) -> Result<Void, SystemCallError> {
    valueOrErrno("rmdir") { rmdir(path) }.map { _ in () }
}

/// The corresponding C function is `mkdir`.
func system_mkdir(_ path: String, _ mode: mode_t) -> Result<Void, SystemCallError> {
    valueOrErrno("mkdir") { mkdir(path, mode) }.map { _ in () }
}

/// The corresponding C function is `chmod`.
func system_chmod(_ path: String, _ mode: mode_t) -> Result<Void, SystemCallError> {
    valueOrErrno("chmod") { chmod(path, mode) }.map { _ in () }
}

/// The corresponding C function is `fchmod`.
func system_fchmod(_ descriptor: Int32, _ mode: mode_t) -> Result<Void, SystemCallError> {
    valueOrErrno("fchmod") { fchmod(descriptor, mode) }.map { _ in () }
}

/// The corresponding C function is `flock`. `EWOULDBLOCK` with `LOCK_NB` means another holder.
func system_flock(_ descriptor: Int32, _ operation: Int32) -> Result<Void, SystemCallError> {
    valueOrErrno("flock") { flock(descriptor, operation) }.map { _ in () }
}

/// Lists the names in a directory, without `.` and `..`, in the order the file system returns them.
///
/// The corresponding C functions are `opendir`, `readdir` and `closedir`.
func system_listDirectory(_ path: String) -> Result<[String], SystemCallError> {
    let opened = pointerOrErrno("opendir") { opendir(path) }
    guard case .success(let directory) = opened else {
        return opened.map { _ in [] }
    }
    defer { closedir(directory) }
    var names: [String] = []
    while true {
        errno = 0
        guard let entry = readdir(directory) else {
            let code = errno
            if code != 0 { return .failure(SystemCallError(errno: code, call: "readdir")) }
            break
        }
        let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(cString: $0)
            }
        }
        if name != "." && name != ".." {
            names.append(name)
        }
    }
    return .success(names)
}

/// The byte count a write may pass to the kernel: all of it, except when a test forces short writes.
@inline(__always)
private func allowedWriteCount(_ count: Int) -> Int {
    #if DEBUG
    return SystemCallFaults.limitWrite(count)
    #else
    return count
    #endif
}

/// The process id. Cannot fail.
func system_getpid() -> Int32 {
    getpid()
}
