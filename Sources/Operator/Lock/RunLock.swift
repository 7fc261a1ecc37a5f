public import Common
import Foundation

/// The locks a run takes on the staging directory, so overlapping schedules never work on it at once.
///
/// Extract and load are separate schedules that must be able to run at the same time (design brief), so
/// there is one lock per side: `extract.lock` (SYSPRO → staging: segments, watermarks) and `load.lock` (staging →
/// BigQuery: the load journal). `run` and `archive` take both; `replay` takes `load`; `verify`, `status` and
/// `check` only read and take none. A refused run exits at once with ``ExitCodes/locked`` and says who holds it.
///
/// The locks are `flock` locks (``DirectoryLock``): the kernel releases them when a process dies, so there are
/// no stale locks to clean up. This class is not thread-safe; hold it for the run and release it at the end.
public final class RunLock {
    /// One side of the pipeline.
    public enum Side: String, Sendable, Hashable, CaseIterable, Comparable {
        case extract
        case load

        public static func < (left: Side, right: Side) -> Bool {
            allCases.firstIndex(of: left) ?? 0 < allCases.firstIndex(of: right) ?? 0
        }
    }

    private var locks: [DirectoryLock]
    /// The sides held.
    public let sides: [Side]

    private init(locks: [DirectoryLock], sides: [Side]) {
        self.locks = locks
        self.sides = sides
    }

    deinit {
        if !locks.isEmpty {
            assertionFailure("RunLock was not released")
            for lock in locks { try? lock.release() }
        }
    }

    /// Takes the locks for `sides` on `directory`, in a fixed order, all or none.
    ///
    /// - Throws: `.locked` naming the directory and holder when another run has one of them; `.fileSystem`
    ///   (needs a human) when the staging directory does not exist — syspro-bq never creates it outside `init`,
    ///   so an unmounted disk is noticed rather than replaced by an empty directory.
    public static func acquire(directory: String, sides: Set<Side>, command: String) throws(SysproBQError) -> RunLock {
        guard FileSystem.isDirectory(directory) else {
            throw SysproBQError(
                .fileSystem,
                "staging directory \(directory) does not exist",
                remedy:
                    "check that its disk is mounted; for a new installation run `syspro-bq init`; to rebuild a lost "
                    + "staging directory see \"Recovering from a lost staging disk\" in docs/operations.md",
                disposition: .needsHuman
            )
        }
        var held: [DirectoryLock] = []
        for side in sides.sorted() {
            let lock: DirectoryLock?
            do {
                lock = try DirectoryLock.acquire(directory: directory, name: side.rawValue)
            } catch {
                release(held)
                throw error as? SysproBQError
                    ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
            }
            guard let lock else {
                release(held)
                let holder = DirectoryLock.holderDescription(directory: directory, name: side.rawValue)
                throw SysproBQError(
                    .locked,
                    "another syspro-bq run holds \(directory) (\(holder ?? "holder unknown")); its \(side.rawValue) "
                        + "lock is taken, so this \(command) did nothing",
                    remedy:
                        "let the other run finish, and schedule runs so they do not overlap; a run that died has "
                        + "already released its lock",
                    disposition: .retryable
                )
            }
            held.append(lock)
        }
        return RunLock(locks: held, sides: sides.sorted())
    }

    /// Releases every lock. Idempotent.
    public func release() throws(SysproBQError) {
        let held = locks
        locks = []
        var firstError: SysproBQError?
        for lock in held.reversed() {
            do {
                try lock.release()
            } catch {
                firstError = firstError ?? (error as? SysproBQError)
            }
        }
        if let firstError { throw firstError }
    }

    private static func release(_ locks: [DirectoryLock]) {
        for lock in locks.reversed() { try? lock.release() }
    }
}
