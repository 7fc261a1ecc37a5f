#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SysproBQError {
    /// A `.fileSystem` error for a failed libc call on `path`, classified by what the caller must do.
    ///
    /// - Disposition: a full disk, a permission or read-only problem and an I/O error need a person
    ///   (`.needsHuman`); descriptor or memory exhaustion and a busy resource may pass (`.retryable`);
    ///   everything else (a missing or existing path, a name too long) fails the same way again (`.terminal`).
    static func fileSystem(_ failure: SystemCallError, path: String, doing action: String? = nil) -> SysproBQError {
        let what = action.map { "could not \($0): " } ?? ""
        return SysproBQError(
            .fileSystem,
            "\(what)\(failure.call) failed for \(path)",
            remedy: remedy(for: failure.errno, path: path),
            cause: .errno(failure.errno, call: failure.call),
            disposition: disposition(for: failure.errno)
        )
    }

    static func disposition(for code: Int32) -> Disposition {
        switch code {
        case ENOSPC, EDQUOT, EACCES, EPERM, EROFS, EIO:
            return .needsHuman
        case EAGAIN, ENOMEM, EMFILE, ENFILE, EBUSY, ETIMEDOUT:
            return .retryable
        default:
            return .terminal
        }
    }

    static func remedy(for code: Int32, path: String) -> String? {
        switch code {
        case ENOSPC:
            return "free disk space on the staging volume, then rerun"
        case EDQUOT:
            return "the disk quota is exhausted; free space or raise the quota, then rerun"
        case EACCES, EPERM:
            return "check the ownership and permissions of \(path) and its directory for the user running syspro-bq"
        case EROFS:
            return "the file system holding \(path) is mounted read-only; remount it read-write"
        case EIO:
            return
                "the storage device reported an I/O error; check the disk and the kernel log (dmesg) before rerunning"
        case EMFILE, ENFILE:
            return "too many open files; raise the descriptor limit (ulimit -n) or reduce parallelism"
        case ENOENT:
            return "check that \(path) and its parent directory exist"
        default:
            return nil
        }
    }
}
