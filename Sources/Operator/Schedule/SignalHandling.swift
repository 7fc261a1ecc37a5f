import Dispatch
public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a ``CancellationFlag`` request, with DispatchSource signal sources.
///
/// The first signal asks the run to stop at the next safe point and logs that it will. A second signal means the
/// operator will not wait: the process exits at once with ``ExitCodes/interrupted``; the staging log's recovery
/// (truncate the unsealed tail) and the load journal's resend make that safe too, only slower to resume.
///
/// Keep the returned object alive for as long as signals should be handled. This class is thread-safe: its
/// sources are set up once in `install` and only cancelled in `deinit` (hence `@unchecked Sendable`).
public final class SignalHandling: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    private init(sources: [any DispatchSourceSignal], signals: [Int32]) {
        self.sources = sources
        self.signals = signals
    }

    /// Installs handlers for SIGINT and SIGTERM that set `flag`.
    ///
    /// The default disposition of both signals is replaced by `SIG_IGN` so that only the dispatch sources see them.
    public static func install(flag: CancellationFlag, logger: Logger) -> SignalHandling {
        let queue = DispatchQueue(label: "syspro-bq.signals")
        let sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if flag.isCancelled {
                    logger.warning("Second stop signal: exiting at once", metadata: ["signal": "\(name)"])
                    exit(ExitCodes.interrupted)
                }
                logger.notice(
                    "Stop requested: finishing the current batch, then exiting",
                    metadata: ["signal": "\(name)"]
                )
                flag.cancel(reason: name)
            }
            source.resume()
            return source
        }
        return SignalHandling(sources: sources, signals: [SIGINT, SIGTERM])
    }

    /// Stops handling and restores the default dispositions (ignored signals would be inherited by children).
    deinit {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
