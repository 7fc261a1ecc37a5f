#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// A file opened for writing, owning its descriptor until ``close()``.
///
/// Writes loop until every byte is written (a short write is not an error); ``sync()`` is `fsync`. Close
/// explicitly: `close` and `fsync` can fail, and a failure must surface to the caller, not vanish in `deinit`
/// (STYLE.md §13). `deinit` closes a descriptor that is still open, but in debug builds it first stops with an
/// assertion, because a leaked descriptor is a bug; prefer the scoped ``withCreated(path:permissions:exclusive:_:)``.
///
/// This class is not thread-safe: one writer belongs to one task or thread at a time.
public final class FileHandleWriter {
    private enum Lifecycle {
        case open(Int32)
        case closed
    }

    private var lifecycle: Lifecycle

    /// The path the file was opened with, for messages.
    public let path: String

    /// The file offset the next write goes to: the file size after opening plus the bytes written since.
    public private(set) var offset: Int64

    private init(descriptor: Int32, path: String, offset: Int64) {
        lifecycle = .open(descriptor)
        self.path = path
        self.offset = offset
    }

    deinit {
        if case .open(let descriptor) = lifecycle {
            assertionFailure("FileHandleWriter for \(path) was not closed: a leaked descriptor is a bug")
            _ = system_close(descriptor)
        }
    }

    /// Creates a file for writing and sets exactly `permissions` on it (whatever the umask).
    ///
    /// - Parameters:
    ///   - path: the file to create.
    ///   - permissions: the mode bits, `0o600` by default (staging data and secrets are private).
    ///   - exclusive: when true (the default) an existing file is an error (`EEXIST`); when false an existing
    ///     file is truncated to zero bytes.
    /// - Throws: `.fileSystem` naming the path and the failed call.
    public static func create(
        path: String,
        permissions: mode_t = 0o600,
        exclusive: Bool = true
    ) throws -> FileHandleWriter {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = try system_open(path, flags, permissions).get(path: path, doing: "create a file")
        if case .failure(let failure) = system_fchmod(descriptor, permissions) {
            _ = system_close(descriptor)
            throw SysproBQError.fileSystem(failure, path: path, doing: "set permissions")
        }
        return FileHandleWriter(descriptor: descriptor, path: path, offset: 0)
    }

    /// Opens an existing file for appending; ``offset`` starts at its current size.
    ///
    /// - Throws: `.fileSystem` naming the path and the failed call (`ENOENT` if it does not exist).
    public static func open(appendingTo path: String) throws -> FileHandleWriter {
        let descriptor = try system_open(path, O_WRONLY | O_APPEND | O_CLOEXEC).get(
            path: path,
            doing: "open for append"
        )
        switch system_fstat(descriptor) {
        case .success(let information):
            return FileHandleWriter(descriptor: descriptor, path: path, offset: Int64(information.st_size))
        case .failure(let failure):
            _ = system_close(descriptor)
            throw SysproBQError.fileSystem(failure, path: path)
        }
    }

    /// Creates a file, runs `body` with its writer, and closes it on both paths.
    ///
    /// On success the close error (if any) is thrown; when `body` throws, its error wins and the descriptor is
    /// still closed. The body should call ``sync()`` itself when the data must be durable.
    public static func withCreated<Result>(
        path: String,
        permissions: mode_t = 0o600,
        exclusive: Bool = true,
        _ body: (FileHandleWriter) throws -> Result
    ) throws -> Result {
        let writer = try create(path: path, permissions: permissions, exclusive: exclusive)
        let result: Result
        do {
            result = try body(writer)
        } catch {
            try? writer.close()
            throw error
        }
        try writer.close()
        return result
    }

    /// Writes every byte of `bytes` at the current offset, looping over short writes.
    ///
    /// - Throws: `.fileSystem` naming the path and `write`; `ENOSPC` and `EIO` need a human. After a failure
    ///   some bytes may have been written: the caller must treat the file as incomplete.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        let descriptor = try openDescriptor()
        var written = 0
        while written < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[written...])
            let count = try system_write(descriptor, remaining).get(path: path)
            written += count
            offset += Int64(count)
        }
    }

    /// Writes every byte of `bytes`; see the raw-buffer `write(_:)`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes written data and metadata to stable storage (`fsync`).
    ///
    /// - Throws: `.fileSystem` naming the path and `fsync`. After a failed fsync the data's durability is
    ///   unknown (the kernel may have dropped dirty pages): rewrite the file rather than retrying the sync.
    public func sync() throws {
        try system_fsync(try openDescriptor()).get(path: path)
    }

    /// Cuts the file to `size` bytes; with an append descriptor, later writes continue at the new end.
    ///
    /// Used by recovery to drop a torn tail. The corresponding C function is `ftruncate`.
    public func truncate(to size: Int64) throws {
        try system_ftruncate(try openDescriptor(), size).get(path: path)
        offset = size
    }

    /// Closes the descriptor. Idempotent: closing a closed writer does nothing.
    ///
    /// - Throws: `.fileSystem` naming the path and `close` (NFS and some file systems report write errors only
    ///   here). The descriptor is released either way.
    public func close() throws {
        guard case .open(let descriptor) = lifecycle else { return }
        lifecycle = .closed
        try system_close(descriptor).get(path: path)
    }

    /// Whether ``close()`` has not been called yet.
    public var isOpen: Bool {
        if case .open = lifecycle { return true }
        return false
    }

    private func openDescriptor() throws -> Int32 {
        guard case .open(let descriptor) = lifecycle else {
            throw SysproBQError(.internalError, "write to \(path) after close", disposition: .terminal)
        }
        return descriptor
    }
}

extension Result where Failure == SystemCallError {
    /// The value, or a `.fileSystem` error naming `path`.
    func get(path: String, doing action: String? = nil) throws(SysproBQError) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let failure): throw SysproBQError.fileSystem(failure, path: path, doing: action)
        }
    }
}
