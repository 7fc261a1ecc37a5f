import Common
import Logging

/// A failure with the delay the server asked for (`Retry-After`), thrown inside Extract's retry loops only.
struct RetryableFailure: Error {
    var error: SysproBQError
    /// Seconds from `Retry-After`, honoured when longer than the backoff.
    var serverDelay: Double?
    /// The fault kind counted in ``ReadSummary/faults`` (`http 503`, `transport`, …).
    var kind: String
}

/// The one retry loop of Extract: runs an attempt, and on a retryable failure asks `Common.RetryState`
/// what to do, sleeps through the clock, and tries again (STYLE.md §9).
///
/// Every failure is counted in the summary's faults, every retry in its retries. This type is a value type.
struct ExtractRetryPolicy {
    let policy: RetryPolicy
    let clock: any WallClock
    let random: @Sendable () -> Double
    let logger: Logger

    /// Runs `attempt` until it succeeds or the policy gives up; each attempt counts as one request.
    ///
    /// - Parameters:
    ///   - what: a description for the log (a redacted request).
    ///   - summary: where faults and retries are counted.
    ///   - retries: incremented per retry, for the page's own count.
    func run<T>(
        _ what: @autoclosure () -> String,
        summary: inout ReadSummary,
        retries: inout Int,
        _ attempt: () throws -> T
    ) throws -> T {
        var state = RetryState(policy: policy)
        while true {
            do {
                summary.requests += 1
                return try attempt()
            } catch let failure as RetryableFailure {
                summary.recordFault(failure.kind)
                try decide(&state, failure.error, serverDelay: failure.serverDelay, what(), &summary, &retries)
            } catch let error as SysproBQError {
                summary.recordFault(Self.kind(of: error))
                try decide(&state, error, serverDelay: nil, what(), &summary, &retries)
            }
        }
    }

    private func decide(
        _ state: inout RetryState,
        _ error: SysproBQError,
        serverDelay: Double?,
        _ what: String,
        _ summary: inout ReadSummary,
        _ retries: inout Int
    ) throws {
        switch state.recordFailure(error, serverDelay: serverDelay, random: random()) {
        case .giveUp:
            throw error
        case .retry(let delay):
            summary.retries += 1
            retries += 1
            logger.warning(
                "Retrying request",
                metadata: [
                    "request": "\(what)", "retry.attempt": "\(state.attempt + 1)",
                    "retry.delay_s": "\(delay)", "error": "\(error.description)",
                ]
            )
            clock.sleep(seconds: delay)
        }
    }

    static func kind(of error: SysproBQError) -> String {
        if case .http(let status, _) = error.cause { return "http \(status)" }
        return error.code.rawValue
    }
}
