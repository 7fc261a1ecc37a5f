internal import Common

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// The file operations the staging log needs, in one place (STYLE.md §14).
///
/// Every mode is 0700 for directories and 0600 for files (docs/staging-format.md §1).
enum Files {
    static func fail(_ call: String, _ path: String, _ code: Int32 = errno) -> SysproBQError {
        let disposition: SysproBQError.Disposition =
            code == ENOSPC || code == EIO || code == EROFS ? .needsHuman : .retryable
        return SysproBQError(
            .fileSystem,
            "\(call) failed for \(path)",
            cause: .errno(code, call: call),
            disposition: disposition
        )
    }

    /// Creates a new file (it must not exist) for writing.
    static func createNew(_ path: String) throws -> FileWriter {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(Format.fileMode)) }
        guard fd >= 0 else { throw fail("open", path) }
        return FileWriter(fd: fd, path: path)
    }

    /// Opens a file for appending, creating it if absent.
    static func openAppend(_ path: String) throws -> FileWriter {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(Format.fileMode)) }
        guard fd >= 0 else { throw fail("open", path) }
        return FileWriter(fd: fd, path: path)
    }

    static func openRead(_ path: String) throws -> FileReader {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw fail("open", path) }
        return FileReader(fd: fd, path: path)
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        let reader = try openRead(path)
        defer { reader.close() }
        var result: [UInt8] = []
        var offset: Int64 = 0
        while true {
            let chunk = try reader.read(offset: offset, count: 1 << 20)
            if chunk.isEmpty { return result }
            result.append(contentsOf: chunk)
            offset += Int64(chunk.count)
        }
    }

    /// Writes `bytes` to `path` through `path.tmp`: write, fsync, rename, fsync the directory.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let temp = path + Format.tempSuffix
        if exists(temp) { try remove(temp) }
        let writer = try createNew(temp)
        do {
            try writer.write(bytes)
            try writer.sync()
            try writer.close()
            try rename(temp, to: path)
        } catch {
            writer.abandon()
            try? remove(temp)
            throw error
        }
        try syncDirectory(parent(of: path))
    }

    static func rename(_ source: String, to target: String) throws {
        guard Glibc.rename(source, target) == 0 else { throw fail("rename", "\(source) -> \(target)") }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw fail("open", path) }
        defer { _ = Glibc.close(fd) }
        guard retrying({ fsync(fd) }) == 0 else { throw fail("fsync", path) }
    }

    /// Creates `path` and any missing parents with mode 0700, fsyncing each parent that gained an entry.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path, !parentPath.isEmpty { try makeDirectories(parentPath) }
        if mkdir(path, mode_t(Format.directoryMode)) != 0, errno != EEXIST { throw fail("mkdir", path) }
        try syncDirectory(parentPath.isEmpty ? "." : parentPath)
    }

    static func list(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 else { throw fail("unlink", path) }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func size(_ path: String) throws -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw fail("stat", path) }
        return Int64(info.st_size)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

/// A file open for writing. Close explicitly: `close` can fail. Not thread-safe.
final class FileWriter {
    private var fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { precondition(fd < 0, "FileWriter for \(path) was dropped while open") }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Files.fail("write", path)
                }
                done += written
            }
        }
    }

    func sync() throws {
        guard Files.retrying({ fsync(fd) }) == 0 else { throw Files.fail("fsync", path) }
    }

    func close() throws {
        let descriptor = fd
        fd = -1
        guard Glibc.close(descriptor) == 0 else { throw Files.fail("close", path) }
    }

    /// Closes after a failure, ignoring any close error (the caller is already reporting one).
    func abandon() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }
}

/// A file open for reading. Not thread-safe.
final class FileReader {
    private var fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close() }

    func read(offset: Int64, count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = result.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw Files.fail("pread", path)
            }
            if got == 0 { break }
            done += got
        }
        result.removeSubrange(done...)
        return result
    }

    func size() throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Files.fail("fstat", path) }
        return Int64(info.st_size)
    }

    func close() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }
}

/// A per-stream advisory lock (`flock`) on `<directory>/<name>`, recording the holder's pid.
final class DirectoryLock {
    private var fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    static func acquire(directory: String, name: String) throws -> DirectoryLock {
        let path = "\(directory)/\(name)"
        let fd = Files.retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(Format.fileMode)) }
        guard fd >= 0 else { throw Files.fail("open", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var holder = [UInt8](repeating: 0, count: 64)
            let got = holder.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 64, 0) }
            _ = Glibc.close(fd)
            let text = got > 0 ? String(decoding: holder[0..<got], as: UTF8.self) : "unknown"
            throw SysproBQError(
                .locked,
                "\(path) is held by another process (\(text))",
                remedy: "Wait for the other run to finish; two writers must never share a stream.",
                cause: .errno(code, call: "flock"),
                disposition: .retryable
            )
        }
        let text = Array("pid \(getpid())".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        return DirectoryLock(fd: fd, path: path)
    }

    func release() throws {
        guard fd >= 0 else { return }
        let descriptor = fd
        fd = -1
        guard Glibc.close(descriptor) == 0 else { throw Files.fail("close", path) }
    }

    deinit { try? release() }
}
