import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock that keeps two runs from working in one staging directory at once.
///
/// ``acquire(directory:name:clock:)`` opens `<directory>/<name>.lock` and takes `flock(LOCK_EX | LOCK_NB)`
/// on it. The kernel releases the lock when the process exits, however it exits, so a crashed run never leaves
/// a stale lock. The holder writes `pid <N>` and `since <ISO 8601 time>` into the file, so a refused run can
/// say who holds it (``holderDescription(directory:name:)``); the file itself is never deleted (deleting it
/// would let two processes lock two different inodes).
///
/// `flock` locks belong to the open file description: a second `acquire` in the same process is refused too.
/// Locks on NFS are not reliable; keep the staging directory on a local file system.
///
/// This class is not thread-safe; hold it for the whole run and call ``release()`` at the end.
public final class DirectoryLock {
    private var descriptor: Int32?

    /// The lock file's path.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        if let descriptor {
            assertionFailure("DirectoryLock \(path) was not released: a leaked lock is a bug")
            _ = system_close(descriptor)
        }
    }

    /// Takes the lock, or returns nil when another holder (another process, or another acquire in this one) has it.
    ///
    /// - Throws: `.fileSystem` when the lock file cannot be opened or written (a missing directory, permissions).
    public static func acquire(
        directory: String,
        name: String = "run",
        clock: any WallClock = SystemClock()
    ) throws -> DirectoryLock? {
        let path = lockPath(directory: directory, name: name)
        let descriptor = try system_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600).get(
            path: path,
            doing: "open the lock file"
        )
        switch system_flock(descriptor, LOCK_EX | LOCK_NB) {
        case .success:
            break
        case .failure(let failure) where failure.errno == EWOULDBLOCK:
            _ = system_close(descriptor)
            return nil
        case .failure(let failure):
            _ = system_close(descriptor)
            throw SysproBQError.fileSystem(failure, path: path, doing: "lock")
        }
        let lock = DirectoryLock(descriptor: descriptor, path: path)
        let since = clock.now().formatted(.iso8601)
        let record = Array("pid \(system_getpid())\nsince \(since)\n".utf8)
        do {
            try system_ftruncate(descriptor, 0).get(path: path)
            try record.withUnsafeBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let remaining = UnsafeRawBufferPointer(rebasing: bytes[written...])
                    written += try system_pwrite(descriptor, remaining, at: Int64(written)).get(path: path)
                }
            }
        } catch {
            try? lock.release()
            throw error
        }
        return lock
    }

    /// Clears the holder record and releases the lock. Idempotent.
    ///
    /// - Throws: `.fileSystem` when unlocking or closing fails; the descriptor is closed either way, which
    ///   releases the lock.
    public func release() throws {
        guard let descriptor else { return }
        self.descriptor = nil
        // Clear the record while still holding the lock, so a new holder's record is never cut.
        let truncated = system_ftruncate(descriptor, 0)
        let unlocked = system_flock(descriptor, LOCK_UN)
        let closed = system_close(descriptor)
        try truncated.get(path: path)
        try unlocked.get(path: path, doing: "unlock")
        try closed.get(path: path)
    }

    /// "pid N since T" from the lock file, or nil when there is no lock file or no holder record in it.
    ///
    /// The record is informative only: it is read without taking the lock.
    public static func holderDescription(directory: String, name: String = "run") -> String? {
        guard let bytes = try? FileSystem.readFile(lockPath(directory: directory, name: name)) else { return nil }
        var pid: String?
        var since: String?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("pid ") { pid = String(line.dropFirst(4)) }
            if line.hasPrefix("since ") { since = String(line.dropFirst(6)) }
        }
        guard let pid else { return nil }
        return since.map { "pid \(pid) since \($0)" } ?? "pid \(pid)"
    }

    /// `<directory>/<name>.lock`.
    public static func lockPath(directory: String, name: String) -> String {
        "\(directory)/\(name).lock"
    }
}
