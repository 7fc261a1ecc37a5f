import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The single writer of standard error: log lines and, on a terminal, the progress line below them.
///
/// When a progress line is showing, a log line first clears it, is written, and the progress line is redrawn, so
/// the two never interleave. When stderr is not a terminal (cron, systemd, Kubernetes) there is never a progress
/// line: only log lines are written.
///
/// This class is thread-safe: every write happens under one lock.
public final class TerminalWriter: Sendable {
    private let state = Mutex<String?>(nil)
    private let sink: @Sendable (String) -> Void
    /// Whether the output is a terminal (progress lines are drawn only then).
    public let isTerminal: Bool

    /// Standard error, with `isTerminal` from `isatty(2)`.
    public static let standardError = TerminalWriter(isTerminal: isatty(STDERR_FILENO) == 1) { text in
        TerminalWriter.writeAll(text, to: STDERR_FILENO)
    }

    /// A writer over any sink (tests).
    public init(isTerminal: Bool, sink: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.sink = sink
    }

    /// Writes one line (a newline is added), keeping the progress line, if any, below it.
    public func writeLine(_ line: String) {
        state.withLock { progress in
            if let progress {
                sink("\r\u{1B}[2K" + line + "\n" + progress)
            } else {
                sink(line + "\n")
            }
        }
    }

    /// Shows `text` as the progress line (only on a terminal), replacing the previous one.
    public func showProgress(_ text: String) {
        guard isTerminal else { return }
        state.withLock { progress in
            progress = text
            sink("\r\u{1B}[2K" + text)
        }
    }

    /// Removes the progress line.
    public func clearProgress() {
        state.withLock { progress in
            guard progress != nil else { return }
            progress = nil
            sink("\r\u{1B}[2K")
        }
    }

    /// Writes every byte, retrying on `EINTR` and partial writes. Errors (a closed stderr) are dropped: there is
    /// nowhere left to report them.
    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
