public import Common
import Foundation

extension PrometheusTextfile {
    /// Updates the textfile at `path` with `summary`: read, merge, replace atomically (0644, since node_exporter
    /// runs as another user), under the `metrics.lock` in the staging directory so concurrent extract and load
    /// runs do not lose each other's counts.
    ///
    /// - Throws: `.fileSystem` when the file cannot be written, `.locked` when the metrics lock stays busy for
    ///   `lockTimeout` seconds.
    public static func write(
        _ summary: RunSummary,
        to path: String,
        stagingDirectory: String,
        lockTimeout: Double = 10
    ) throws(SysproBQError) {
        let deadline = Date(timeIntervalSinceNow: lockTimeout)
        var lock: DirectoryLock?
        while lock == nil {
            do {
                lock = try DirectoryLock.acquire(directory: stagingDirectory, name: "metrics")
            } catch {
                throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
            }
            if lock == nil {
                guard Date() < deadline else {
                    throw SysproBQError(
                        .locked,
                        "the metrics lock in \(stagingDirectory) stayed busy for \(Int(lockTimeout))s; "
                            + "\(path) was not updated",
                        disposition: .retryable
                    )
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        defer { try? lock?.release() }
        do {
            let previous =
                FileSystem.exists(path) ? String(decoding: try FileSystem.readFile(path), as: UTF8.self) : nil
            let text = updated(previous: previous, with: summary)
            try FileSystem.writeAtomically(Array(text.utf8), to: path, permissions: 0o644)
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
    }
}
