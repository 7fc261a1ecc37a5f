internal import Common

/// The file operations the staging log needs, over Common's durable-file layer (which owns every libc
/// call, STYLE.md §14, and the test fault injection).
///
/// Directories are created 0700 and files 0600 (docs/staging-format.md §1).
enum Files {
    /// Creates a new file (it must not exist) for writing.
    static func createNew(_ path: String) throws -> FileWriter {
        FileWriter(try FileHandleWriter.create(path: path, permissions: 0o600, exclusive: true))
    }

    /// Opens a file for appending, creating it (empty, 0600) if absent.
    static func openAppend(_ path: String) throws -> FileWriter {
        if !FileSystem.exists(path) {
            let created = try FileHandleWriter.create(path: path, permissions: 0o600, exclusive: true)
            return FileWriter(created)
        }
        return FileWriter(try FileHandleWriter.open(appendingTo: path))
    }

    static func openRead(_ path: String) throws -> FileReader { FileReader(try FileHandleReader.open(path: path)) }

    static func readAll(_ path: String) throws -> [UInt8] { try FileSystem.readFile(path) }

    /// Writes `bytes` to `path`: temp, fsync, rename, fsync the directory.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try FileSystem.writeAtomically(bytes, to: path, permissions: 0o600)
    }

    static func rename(_ source: String, to target: String) throws { try FileSystem.rename(source, target) }

    static func syncDirectory(_ path: String) throws { try FileSystem.syncDirectory(path) }

    /// Creates `path` and its missing parents, mode 0700, syncing each parent's entry.
    static func makeDirectories(_ path: String) throws {
        try FileSystem.makeDirectory(path, permissions: 0o700, intermediate: true)
    }

    static func list(_ path: String) throws -> [String] { try FileSystem.contentsOfDirectory(path) }

    static func remove(_ path: String) throws { try FileSystem.remove(path) }

    static func exists(_ path: String) -> Bool { FileSystem.exists(path) }

    static func isDirectory(_ path: String) -> Bool { FileSystem.isDirectory(path) }

    static func size(_ path: String) throws -> Int64 { try FileSystem.fileSize(path) }
}

/// A file open for writing. Close explicitly (`close` can fail), or ``abandon()`` after a failure.
/// Not thread-safe.
final class FileWriter {
    private let handle: FileHandleWriter

    init(_ handle: FileHandleWriter) { self.handle = handle }

    var path: String { handle.path }

    func write(_ bytes: [UInt8]) throws { try handle.write(bytes) }

    func sync() throws { try handle.sync() }

    func close() throws { try handle.close() }

    /// Closes after a failure, ignoring a close error: the caller is already reporting the first one and
    /// discards the file.
    func abandon() {
        if handle.isOpen { try? handle.close() }
    }
}

/// A file open for reading. Not thread-safe.
final class FileReader {
    private let handle: FileHandleReader

    init(_ handle: FileHandleReader) { self.handle = handle }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(offset: Int64, count: Int) throws -> [UInt8] { try handle.read(at: offset, count: count) }

    func size() throws -> Int64 { try handle.size }

    /// Closes the descriptor. Reading needs no durable close, so a close error is not actionable.
    func close() { try? handle.close() }
}
