#if DEBUG
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Forces chosen libc calls to fail with a chosen `errno`, for tests. Debug builds only.
///
/// `inject(call: "fsync", errno: EIO)` makes the next `fsync` fail with EIO; `after: 2` lets two calls succeed
/// first; `times: 3` fails three calls in a row. `call` is the libc name as the syscall layer records it:
/// `open`, `close`, `write`, `pwrite`, `read`, `pread`, `fsync`, `ftruncate`, `fstat`, `stat`, `lstat`,
/// `rename`, `unlink`, `rmdir`, `mkdir`, `chmod`, `fchmod`, `flock`, `opendir`. Injecting `EINTR` exercises the
/// retry path: the call is retried and succeeds.
///
/// Faults belong to the thread that injected them and fire only for calls made on that thread. swift-testing
/// runs tests in parallel in one process (every test target shares it), so a global fault would break other
/// tests' file writes; a synchronous test body stays on one thread, so its faults stay its own. Code under test
/// that hands file work to another thread does not see the faults, except a ``BackgroundWork`` started with
/// `sharingSystemCallFaults` (the seal's segment fsync). Always `defer { SystemCallFaults.reset() }`.
///
/// Thread-safe: the registry is guarded by a `Mutex`.
public enum SystemCallFaults {
    struct Fault {
        var errno: Int32
        var after: Int
        var times: Int
    }

    struct ThreadFaults {
        var faults: [String: [Fault]] = [:]
        var writeLimit: (bytes: Int, times: Int)?
    }

    private static let registry = Mutex<[UInt: ThreadFaults]>([:])

    /// Threads that use another thread's faults (``sharing(faultsOf:_:)``): thread → the thread whose faults apply.
    private static let sharedThreads = Mutex<[UInt: UInt]>([:])

    /// The calling thread's own identity: `pthread_t` is an integer on Linux and a pointer on Darwin.
    static var callingThread: UInt {
        #if canImport(Darwin)
        return UInt(bitPattern: pthread_self())
        #else
        return UInt(pthread_self())
        #endif
    }

    /// The thread whose faults apply to the calling thread: its own, or those it shares.
    private static var currentThread: UInt {
        let thread = callingThread
        return sharedThreads.withLock { $0[thread] } ?? thread
    }

    /// Runs `body` with the faults of `thread` (counted as that thread's calls), for a thread that makes one of
    /// its starter's calls while the starter waits (``BackgroundWork``'s `sharingSystemCallFaults`).
    static func sharing<Value>(faultsOf thread: UInt, _ body: () throws -> Value) rethrows -> Value {
        let sharer = callingThread
        sharedThreads.withLock { $0[sharer] = thread }
        defer { sharedThreads.withLock { _ = $0.removeValue(forKey: sharer) } }
        return try body()
    }

    /// Makes `call` fail with `errno` on this thread, after `after` successful calls, `times` times in a row.
    public static func inject(call: String, errno: Int32, after: Int = 0, times: Int = 1) {
        precondition(after >= 0 && times >= 1, "inject needs after >= 0 and times >= 1")
        let thread = currentThread
        registry.withLock { registry in
            registry[thread, default: ThreadFaults()].faults[call, default: []]
                .append(Fault(errno: errno, after: after, times: times))
        }
    }

    /// Makes the next `times` `write`/`pwrite` calls on this thread write at most `bytes` bytes (a short write,
    /// as a full pipe or a signal can cause), to prove callers loop.
    public static func limitWrites(toBytes bytes: Int, times: Int) {
        precondition(bytes >= 1 && times >= 1, "limitWrites needs bytes >= 1 and times >= 1")
        let thread = currentThread
        registry.withLock { $0[thread, default: ThreadFaults()].writeLimit = (bytes, times) }
    }

    /// Removes every fault injected on this thread.
    public static func reset() {
        let thread = currentThread
        registry.withLock { _ = $0.removeValue(forKey: thread) }
    }

    /// Faults for every thread of the process, set only from the environment of a debug build's executable
    /// (``injectFromEnvironment(_:)``): call name → errno, failing every such call.
    private static let everyThread = Mutex<[String: Int32]>([:])

    /// The environment variable a debug build of an executable reads faults from, for the CLI-level tests.
    public static let environmentVariable = "DEBUG_SYSPRO_BQ_SYSCALL_FAULTS"

    /// Reads ``environmentVariable`` — `call=ERRNO[,call=ERRNO…]`, e.g. `write=ENOSPC,pwrite=ENOSPC` (a full
    /// disk) or `open-for-writing=EROFS,mkdir=EROFS,rename=EROFS` (a read-only mount) — and makes every such call
    /// on every thread fail with that errno. `open-for-writing` is `open` with `O_WRONLY`, `O_RDWR` or `O_CREAT`.
    /// Errno names known: ENOSPC, EROFS, EACCES, EIO, EDQUOT. Only for a process's start, never in a test process.
    ///
    /// - Returns: the faults set, for a log line; empty when the variable is absent.
    /// - Throws: a description of the first malformed entry.
    @discardableResult
    public static func injectFromEnvironment(_ environment: [String: String]) throws -> [String: Int32] {
        guard let text = environment[environmentVariable], !text.isEmpty else { return [:] }
        let names: [String: Int32] = ["ENOSPC": ENOSPC, "EROFS": EROFS, "EACCES": EACCES, "EIO": EIO, "EDQUOT": EDQUOT]
        var faults: [String: Int32] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let code = names[parts[1]] else {
                throw FaultSpecificationError(entry: String(entry))
            }
            faults[parts[0]] = code
        }
        everyThread.withLock { $0.merge(faults) { _, new in new } }
        return faults
    }

    /// A malformed ``environmentVariable`` entry.
    public struct FaultSpecificationError: Error, CustomStringConvertible {
        public let entry: String
        public var description: String {
            "\(SystemCallFaults.environmentVariable): '\(entry)' is not call=ERRNO (ENOSPC, EROFS, EACCES, EIO, EDQUOT)"
        }
    }

    /// The errno to fail `call` with now, if a fault is due; counts the call either way.
    static func consume(call: String) -> Int32? {
        let thread = currentThread
        if let code = everyThread.withLock({ $0[call] }) { return code }
        return registry.withLock { registry -> Int32? in
            guard var faults = registry[thread]?.faults[call], !faults.isEmpty else { return nil }
            defer { registry[thread]?.faults[call] = faults }
            if faults[0].after > 0 {
                faults[0].after -= 1
                return nil
            }
            let code = faults[0].errno
            faults[0].times -= 1
            if faults[0].times == 0 { faults.removeFirst() }
            return code
        }
    }

    /// The byte count a write may transfer now.
    static func limitWrite(_ count: Int) -> Int {
        let thread = currentThread
        return registry.withLock { registry -> Int in
            guard let limit = registry[thread]?.writeLimit else { return count }
            registry[thread]?.writeLimit = limit.times > 1 ? (limit.bytes, limit.times - 1) : nil
            return min(count, limit.bytes)
        }
    }
}
#endif
