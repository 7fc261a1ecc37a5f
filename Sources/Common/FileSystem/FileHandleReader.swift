#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading, owning its descriptor until ``close()``.
///
/// `deinit` closes a descriptor that is still open, but in debug builds it first stops with an assertion,
/// because a leaked descriptor is a bug; prefer the scoped ``withOpened(path:_:)``.
///
/// This class is not thread-safe for ``read(into:)`` (it moves the file offset); ``pread(at:into:)`` does not
/// move it.
public final class FileHandleReader {
    private enum Lifecycle {
        case open(Int32)
        case closed
    }

    private var lifecycle: Lifecycle

    /// The path the file was opened with, for messages.
    public let path: String

    private init(descriptor: Int32, path: String) {
        lifecycle = .open(descriptor)
        self.path = path
    }

    deinit {
        if case .open(let descriptor) = lifecycle {
            assertionFailure("FileHandleReader for \(path) was not closed: a leaked descriptor is a bug")
            _ = system_close(descriptor)
        }
    }

    /// Opens `path` for reading.
    ///
    /// - Throws: `.fileSystem` naming the path and `open`.
    public static func open(path: String) throws -> FileHandleReader {
        let descriptor = try system_open(path, O_RDONLY | O_CLOEXEC).get(path: path, doing: "open for reading")
        return FileHandleReader(descriptor: descriptor, path: path)
    }

    /// Opens `path`, runs `body` with its reader, and closes it on both paths.
    public static func withOpened<Result>(path: String, _ body: (FileHandleReader) throws -> Result) throws -> Result {
        let reader = try open(path: path)
        defer { try? reader.close() }
        return try body(reader)
    }

    /// Reads up to `buffer.count` bytes at the current offset; returns how many, 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        return try system_read(try openDescriptor(), buffer).get(path: path)
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file offset; 0 at or past the end.
    public func pread(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        return try system_pread(try openDescriptor(), buffer, at: offset).get(path: path)
    }

    /// Reads exactly `count` bytes at `offset`, or fewer only when the file ends first.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < count {
                let got = try pread(
                    at: offset + Int64(filled),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
                )
                if got == 0 { break }
                filled += got
            }
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Reads from the current offset to the end of the file.
    ///
    /// Reads straight into one array sized from `fstat` (plus one byte, to see the end in the same pass), so a
    /// 1 MB manifest costs one allocation and no copy; a file that grew meanwhile, or whose size is unknown,
    /// is read on in 256 KiB pieces. Growing the array piece by piece from the first byte copied every byte
    /// ~2× and faulted in fresh pages on each reallocation.
    public func readToEnd() throws -> [UInt8] {
        let expected = max(0, Int((try? size) ?? 0))
        var reachedEnd = false
        var bytes = try [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, initialized in
            initialized = 0
            while initialized < buffer.count {
                let rest = UnsafeMutableBufferPointer(rebasing: buffer[initialized...])
                let got = try read(into: UnsafeMutableRawBufferPointer(rest))
                if got == 0 {
                    reachedEnd = true
                    return
                }
                initialized += got
            }
        }
        if reachedEnd { return bytes }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let got = try read(into: chunk)
            if got == 0 { return bytes }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
        }
    }

    /// The file's current size in bytes (`fstat`).
    public var size: Int64 {
        get throws {
            Int64(try system_fstat(try openDescriptor()).get(path: path).st_size)
        }
    }

    /// Closes the descriptor. Idempotent.
    public func close() throws {
        guard case .open(let descriptor) = lifecycle else { return }
        lifecycle = .closed
        try system_close(descriptor).get(path: path)
    }

    private func openDescriptor() throws -> Int32 {
        guard case .open(let descriptor) = lifecycle else {
            throw SysproBQError(.internalError, "read from \(path) after close", disposition: .terminal)
        }
        return descriptor
    }
}
