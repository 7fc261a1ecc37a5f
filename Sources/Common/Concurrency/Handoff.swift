import Foundation

/// Hands items from one producer thread to one consumer thread through a single slot, and hands spent items
/// back the other way, so the producer can reuse or free them on the thread that allocated them.
///
/// The producer puts an item and goes on producing the next while the consumer works on the one before; it
/// waits only while the slot still holds an item (or `limit` items are out). So at most three items exist at
/// once: one being consumed, one waiting, one being produced; two with a limit of 1. Items arrive in order,
/// each exactly once. When the consumer stops early (an error, a cancellation), ``stop()`` makes the producer's
/// next ``put(_:)`` throw ``Stopped``, and ``waitUntilFinished()`` lets the consumer wait until the producer has
/// let go of everything it shares.
///
/// Thread-safety: every member is guarded by `condition`.
public final class Handoff<Item, Returned, Outcome>: @unchecked Sendable {
    /// Thrown by ``put(_:)`` once the consumer has stopped.
    public struct Stopped: Error {
        public init() {}
    }

    private let condition = NSCondition()
    private let limit: Int
    private var slot: Item?
    /// Items put and not yet handed back.
    private var outstanding = 0
    private var returned: [Returned] = []
    private var outcome: Result<Outcome, any Error>?
    private var stopped = false

    /// - Parameter limit: the most items put and not yet handed back (``giveBack(_:)``); a put waits while
    ///   there are that many. With 1, two items exist at most: one being consumed, one being produced.
    public init(limit: Int = .max) {
        precondition(limit > 0, "a hand-off holds at least one item")
        self.limit = limit
    }

    // MARK: Producer

    /// Puts `item` in the slot, waiting while it still holds the item before.
    ///
    /// - Returns: what the consumer handed back since the last put, for the producer to reuse or free.
    /// - Throws: ``Stopped`` when the consumer has stopped (the item is dropped).
    public func put(_ item: Item) throws -> [Returned] {
        condition.lock()
        defer { condition.unlock() }
        while slot != nil || outstanding >= limit, !stopped { condition.wait() }
        if stopped { throw Stopped() }
        slot = item
        outstanding += 1
        condition.broadcast()
        var handedBack: [Returned] = []
        swap(&handedBack, &returned)
        return handedBack
    }

    /// Runs `produce` on a new thread named `name`; what it returns or throws ends production (``finish(_:)``).
    ///
    /// `produce` is not checked for `Sendable` (``BackgroundWork``): the consumer must not touch what it uses
    /// until production has finished (``waitUntilFinished()``).
    public func startProducer(named name: String, _ produce: @escaping () throws -> Outcome) {
        _ = BackgroundWork<Void>(name) { [self] in finish(Result { try produce() }) }
    }

    /// Ends production with `outcome`; the consumer takes the items still in the slot first.
    public func finish(_ outcome: Result<Outcome, any Error>) {
        condition.lock()
        self.outcome = outcome
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Consumer

    /// The next item, waiting for it; `nil` once production has finished and the slot is empty.
    public func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while slot == nil, outcome == nil { condition.wait() }
        guard let item = slot else { return nil }
        slot = nil
        condition.broadcast()
        return item
    }

    /// Hands a spent item back to the producer.
    public func giveBack(_ item: Returned) {
        condition.lock()
        returned.append(item)
        outstanding -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops taking items: the producer's next ``put(_:)`` throws ``Stopped``; the item in the slot is dropped.
    public func stop() {
        condition.lock()
        stopped = true
        slot = nil
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until production has finished, and returns its outcome.
    public func waitUntilFinished() -> Result<Outcome, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return outcome!
    }
}
