import Common
import Testing

@Suite struct RetryPolicyTests {
    /// The backoff ceiling doubles from the initial delay and stops at the cap.
    @Test func ceilingGrowsExponentiallyAndIsCapped() {
        let policy = RetryPolicy(initialDelay: 1, multiplier: 2, maximumDelay: 10, maxAttempts: 10)
        #expect(policy.ceiling(beforeAttempt: 1) == 0)
        #expect(policy.ceiling(beforeAttempt: 2) == 1)
        #expect(policy.ceiling(beforeAttempt: 3) == 2)
        #expect(policy.ceiling(beforeAttempt: 4) == 4)
        #expect(policy.ceiling(beforeAttempt: 5) == 8)
        #expect(policy.ceiling(beforeAttempt: 6) == 10)
        #expect(policy.ceiling(beforeAttempt: 60) == 10)
    }

    /// Full jitter: the delay is the ceiling scaled by the random draw.
    @Test func delayIsFullJitterOfTheCeiling() {
        let policy = RetryPolicy(initialDelay: 2, multiplier: 2, maximumDelay: 60, maxAttempts: 5)
        #expect(policy.delay(beforeAttempt: 3, random: 0) == 0)
        #expect(policy.delay(beforeAttempt: 3, random: 0.5) == 2)
        #expect(policy.delay(beforeAttempt: 3, random: 1) == 4)
    }

    /// Retryable failures are retried until the attempt budget is spent; terminal ones never are.
    @Test func retriesOnlyRetryableErrorsWithinBudget() {
        var state = RetryState(policy: RetryPolicy(initialDelay: 1, maxAttempts: 3))
        let transient = SysproBQError(.transport, "reset", disposition: .retryable)
        #expect(state.recordFailure(transient, random: 0.5) == .retry(after: 0.5))
        #expect(state.recordFailure(transient, random: 0.5) == .retry(after: 1))
        #expect(state.recordFailure(transient, random: 0.5) == .giveUp)
        #expect(state.retries == 2)

        var terminal = RetryState(policy: RetryPolicy(maxAttempts: 5))
        #expect(terminal.recordFailure(SysproBQError(.remote, "400", disposition: .terminal), random: 0) == .giveUp)
    }

    /// A server's Retry-After wins over a shorter backoff, and quota failures wait the long wait.
    @Test func serverDelayAndLongWaitAreHonoured() {
        var state = RetryState(policy: RetryPolicy(initialDelay: 1, maxAttempts: 5, longWait: 600))
        let transient = SysproBQError(.remote, "429", disposition: .retryable)
        #expect(state.recordFailure(transient, serverDelay: 7, random: 0) == .retry(after: 7))
        #expect(state.recordFailure(transient, longWait: true, random: 0) == .retry(after: 600))
    }
}
