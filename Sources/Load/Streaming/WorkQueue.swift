import Foundation

/// A bounded first-in first-out queue between the segment reader and the insertAll threads.
///
/// The bound keeps memory to a few batches per thread however large a segment is.
///
/// Thread-safety: thread-safe (`NSCondition`).
final class WorkQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    /// Adds an item, waiting while the queue is full.
    func push(_ item: Element) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, waiting while the queue is empty; `nil` once it is closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// No more items will be pushed.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
