public import Common
import Foundation

/// Set when SIGINT or SIGTERM arrives; runners poll it between batches and stop at a safe point.
///
/// "Safe" means: a batch being sent is finished or abandoned whole (its offsets are recorded only after the
/// service acknowledged it), an open segment is either sealed or left as an unsealed tail that recovery
/// truncates, and no watermark moves past staged data.
///
/// This class is thread-safe: ``cancel(reason:)`` may be called from a signal-handling queue while runners poll
/// ``isCancelled`` and sleep in ``sleep(seconds:)`` on other threads.
public final class CancellationFlag: @unchecked Sendable {
    private let condition = NSCondition()
    private var cancelledReason: String?

    public init() {}

    /// Whether a stop was requested.
    public var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelledReason != nil
    }

    /// Why the stop was requested (`SIGINT`, `SIGTERM`), if it was.
    public var reason: String? {
        condition.lock()
        defer { condition.unlock() }
        return cancelledReason
    }

    /// Requests a stop and wakes every ``sleep(seconds:)``. Later calls keep the first reason.
    public func cancel(reason: String) {
        condition.lock()
        if cancelledReason == nil { cancelledReason = reason }
        condition.broadcast()
        condition.unlock()
    }

    /// Throws the `.interrupted` error when a stop was requested; runners call it between batches.
    ///
    /// - Throws: `SysproBQError` with code `.interrupted`.
    public func throwIfCancelled(during activity: String) throws(SysproBQError) {
        guard let reason else { return }
        throw SysproBQError(
            .interrupted,
            "\(activity) stopped by \(reason) at a safe point",
            remedy: "run the command again; it resumes from what was sealed and acknowledged",
            disposition: .retryable
        )
    }

    /// Sleeps up to `seconds`, returning early when a stop is requested.
    ///
    /// - Returns: `true` when the full time passed, `false` when the sleep was cut short by a stop request.
    @discardableResult
    public func sleep(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while cancelledReason == nil {
            if !condition.wait(until: deadline) { return cancelledReason == nil }
        }
        return false
    }
}
