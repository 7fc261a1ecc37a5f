public import Foundation

/// The time seam: the real wall clock in production, a manual clock in tests (STYLE.md §18).
///
/// Conformers must be safe to call from any thread.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Blocks the calling thread for `seconds`. A manual clock advances instead of sleeping.
    func sleep(seconds: Double)
}

/// The system clock. `sleep` blocks the calling thread with `nanosleep`-like precision.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }
}

/// A clock for tests: time moves only when told to, and `sleep` advances it at once.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var slept: [Double] = []

    public init(start: Date = Date(timeIntervalSince1970: 1_764_000_000)) {
        current = start
    }

    public func now() -> Date { lock.withLock { current } }

    public func sleep(seconds: Double) {
        lock.withLock {
            slept.append(seconds)
            current = current.addingTimeInterval(max(seconds, 0))
        }
    }

    /// Moves the clock forward.
    public func advance(by seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// Every sleep requested so far, in order.
    public var sleeps: [Double] { lock.withLock { slept } }
}
