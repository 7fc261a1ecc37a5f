#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// Path-level file operations over the syscall layer, with the durable-replace protocol.
///
/// Every failure is a `.fileSystem` ``SysproBQError`` naming the path and the failed libc call.
/// All functions are thread-safe in the sense of the underlying system calls (no shared state here).
public enum FileSystem {
    /// Replaces `path` with `bytes` so that after a crash `path` holds either its old content or all of `bytes`.
    ///
    /// The protocol (leveldb `SetCurrentFile`, STYLE.md §15): create a temporary file in the same directory,
    /// write, `fsync`, close, `rename` over `path`, then `fsync` the directory so the rename itself is durable.
    /// On any failure before the rename the temporary file is removed and `path` is untouched. If only the final
    /// directory sync fails, `path` already holds the complete new content, but its durability is unknown; the
    /// error is thrown so the caller does not report success.
    ///
    /// - Throws: `.fileSystem` naming `path`, the temporary file and the failed call.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o600) throws {
        let directory = parentDirectory(of: path)
        let temporary = temporaryPath(for: path)
        do {
            try FileHandleWriter.withCreated(path: temporary, permissions: permissions, exclusive: true) { writer in
                try writer.write(bytes)
                try writer.sync()
            }
            try rename(temporary, path)
        } catch {
            _ = system_unlink(temporary)
            guard let error = error as? SysproBQError else { throw error }
            throw error.adding(context: "could not write \(path) atomically")
        }
        try syncDirectory(directory)
    }

    /// Renames `source` to `destination` atomically, replacing a file at `destination` (same file system only).
    ///
    /// The rename is durable only after ``syncDirectory(_:)`` on the directory (or directories) involved.
    public static func rename(_ source: String, _ destination: String) throws {
        try system_rename(source, destination).get(path: "\(source) -> \(destination)")
    }

    /// Flushes a directory's entries (creations, renames, removals) to stable storage.
    public static func syncDirectory(_ path: String) throws {
        let descriptor = try system_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC).get(path: path)
        let synced = system_fsync(descriptor)
        let closed = system_close(descriptor)
        try synced.get(path: path, doing: "sync directory")
        try closed.get(path: path)
    }

    /// Removes a file, a symbolic link or an empty directory.
    public static func remove(_ path: String) throws {
        let information = try system_lstat(path).get(path: path, doing: "remove")
        if information.st_mode & S_IFMT == S_IFDIR {
            try system_rmdir(path).get(path: path)
        } else {
            try system_unlink(path).get(path: path)
        }
    }

    /// Creates a directory with exactly `permissions`, and with `intermediate` its missing parents too
    /// (an existing directory is then not an error, as with `mkdir -p`). Each parent's entry is synced.
    public static func makeDirectory(_ path: String, permissions: mode_t = 0o700, intermediate: Bool = false) throws {
        if intermediate {
            if isDirectory(path) { return }
            let parent = parentDirectory(of: path)
            if parent != path && !exists(parent) {
                try makeDirectory(parent, permissions: permissions, intermediate: true)
            }
        }
        switch system_mkdir(path, permissions) {
        case .success:
            break
        case .failure(let failure) where failure.errno == EEXIST && intermediate && isDirectory(path):
            return
        case .failure(let failure):
            throw SysproBQError.fileSystem(failure, path: path, doing: "create a directory")
        }
        // mkdir applies the umask; staging and secret directories must get exactly what was asked.
        try system_chmod(path, permissions).get(path: path)
        try syncDirectory(parentDirectory(of: path))
    }

    /// Whether something exists at `path` (following symbolic links).
    public static func exists(_ path: String) -> Bool {
        if case .success = system_stat(path) { return true }
        return false
    }

    /// Whether `path` is a directory (following symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        if case .success(let information) = system_stat(path) {
            return information.st_mode & S_IFMT == S_IFDIR
        }
        return false
    }

    /// The size in bytes of the file at `path`.
    public static func fileSize(_ path: String) throws -> Int64 {
        Int64(try system_stat(path).get(path: path).st_size)
    }

    /// The names in a directory (not paths), without `.` and `..`, sorted by their UTF-8 bytes as `LC_ALL=C ls`
    /// sorts them.
    public static func contentsOfDirectory(_ path: String) throws -> [String] {
        try system_listDirectory(path).get(path: path, doing: "list a directory")
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The whole content of the file at `path`.
    public static func readFile(_ path: String) throws -> [UInt8] {
        try FileHandleReader.withOpened(path: path) { try $0.readToEnd() }
    }

    /// The permission bits (`0o7777` mask) of `path`.
    public static func permissions(of path: String) throws -> mode_t {
        try system_stat(path).get(path: path).st_mode & 0o7777
    }

    /// Sets the permission bits of `path`.
    public static func setPermissions(of path: String, to permissions: mode_t) throws {
        try system_chmod(path, permissions).get(path: path)
    }

    /// The directory part of `path`: `"."` for a bare name, `"/"` for a file in the root.
    public static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The last component of `path`.
    public static func lastComponent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// A hidden, unique temporary name beside `path`: `.<name>.tmp-<pid>-<random>`.
    static func temporaryPath(for path: String) -> String {
        let directory = parentDirectory(of: path)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(directory)/.\(lastComponent(of: path)).tmp-\(system_getpid())-\(random)"
    }
}
