/// Exponential backoff with full jitter, a cap and a maximum number of attempts: the one retry policy.
///
/// The policy is a pure value: ``delay(beforeAttempt:random:)`` computes the wait before an attempt, and
/// ``RetryState`` decides, attempt by attempt, whether to retry. Nothing here sleeps; callers sleep through a
/// ``Clock`` so tests run instantly.
///
/// Full jitter follows the AWS architecture note "Exponential Backoff And Jitter" and Google's api-core
/// (`retry_base.py`: initial 1 s, multiplier 2, maximum 60 s, each delay uniform in [0, current]).
public struct RetryPolicy: Sendable, Hashable {
    /// The first backoff ceiling, in seconds.
    public var initialDelay: Double
    /// The growth factor of the ceiling per attempt.
    public var multiplier: Double
    /// The largest ceiling, in seconds.
    public var maximumDelay: Double
    /// Attempts in all, including the first. 1 means "never retry".
    public var maxAttempts: Int
    /// A delay used instead of the backoff for failures that ask for a long wait (BigQuery `quotaExceeded`).
    public var longWait: Double

    public init(
        initialDelay: Double = 1.0,
        multiplier: Double = 2.0,
        maximumDelay: Double = 60.0,
        maxAttempts: Int = 6,
        longWait: Double = 600
    ) {
        precondition(initialDelay >= 0 && multiplier >= 1 && maximumDelay >= 0 && maxAttempts >= 1)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.maxAttempts = maxAttempts
        self.longWait = longWait
    }

    /// A policy with no waiting, for tests.
    public static func immediate(maxAttempts: Int) -> RetryPolicy {
        RetryPolicy(initialDelay: 0, multiplier: 1, maximumDelay: 0, maxAttempts: maxAttempts, longWait: 0)
    }

    /// The backoff ceiling before attempt `attempt` (2 is the first retry).
    public func ceiling(beforeAttempt attempt: Int) -> Double {
        guard attempt >= 2 else { return 0 }
        var value = initialDelay
        for _ in 2..<attempt {
            value *= multiplier
            if value >= maximumDelay { return maximumDelay }
        }
        return min(value, maximumDelay)
    }

    /// The wait before attempt `attempt`: uniform in [0, ceiling], using `random` in [0, 1).
    public func delay(beforeAttempt attempt: Int, random: Double) -> Double {
        ceiling(beforeAttempt: attempt) * min(max(random, 0), 1)
    }
}

/// The decision core of a retry loop: feed it each failure, do what it says.
public struct RetryState: Sendable {
    public enum Action: Sendable, Equatable {
        /// Wait this many seconds, then try again.
        case retry(after: Double)
        /// Stop and surface the error.
        case giveUp
    }

    public let policy: RetryPolicy
    /// The attempt that just failed (1 after the first failure).
    public private(set) var attempt = 0
    /// How many retries were decided so far.
    public private(set) var retries = 0

    public init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// Records a failed attempt and returns what to do next.
    ///
    /// - Parameters:
    ///   - error: the failure; only retryable errors are retried.
    ///   - serverDelay: a delay the server asked for (`Retry-After`), honoured when larger than the backoff.
    ///   - longWait: the failure asks for a long wait (quota).
    ///   - random: a value in [0, 1) for the jitter.
    public mutating func recordFailure(
        _ error: SysproBQError,
        serverDelay: Double? = nil,
        longWait: Bool = false,
        random: Double
    ) -> Action {
        attempt += 1
        guard error.isRetryable, attempt < policy.maxAttempts else { return .giveUp }
        var wait = policy.delay(beforeAttempt: attempt + 1, random: random)
        if longWait { wait = max(wait, policy.longWait) }
        if let serverDelay { wait = max(wait, min(serverDelay, max(policy.maximumDelay, policy.longWait))) }
        retries += 1
        return .retry(after: wait)
    }
}
