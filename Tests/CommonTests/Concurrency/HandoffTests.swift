import Foundation
import Testing

@testable import Common

/// Items cross in order, each once; spent items come back to the producer; a stop ends production early.
@Suite struct HandoffTests {
    @Test func itemsArriveInOrderAndComeBack() throws {
        let handoff = Handoff<Int, Int, Int>(limit: 1)
        let returned = Box()
        handoff.startProducer(named: "test-producer") {
            for item in 0..<1000 { returned.add(try handoff.put(item)) }
            return 1000
        }
        var taken: [Int] = []
        while let item = handoff.take() {
            taken.append(item)
            handoff.giveBack(item)
        }
        #expect(try handoff.waitUntilFinished().get() == 1000)
        #expect(taken == Array(0..<1000))
        // With a limit of 1, every item but the last is handed back to a later put.
        #expect(returned.items.count >= 999)
        #expect(returned.items == Array(0..<returned.items.count))
    }

    @Test func aStopEndsTheProducerWithStopped() throws {
        let handoff = Handoff<Int, Int, Int>()
        handoff.startProducer(named: "test-producer") {
            var item = 0
            while true {
                _ = try handoff.put(item)
                item += 1
            }
        }
        #expect(handoff.take() == 0)
        handoff.stop()
        let outcome = handoff.waitUntilFinished()
        #expect(throws: Handoff<Int, Int, Int>.Stopped.self) { try outcome.get() }
    }

    @Test func aProducerErrorArrivesAfterTheItemsBeforeIt() {
        struct Failed: Error {}
        let handoff = Handoff<Int, Int, Int>()
        handoff.startProducer(named: "test-producer") {
            _ = try handoff.put(1)
            _ = try handoff.put(2)
            throw Failed()
        }
        var taken: [Int] = []
        while let item = handoff.take() { taken.append(item) }
        #expect(taken == [1, 2])
        #expect(throws: Failed.self) { try handoff.waitUntilFinished().get() }
    }
}

/// Collects what the producer thread got back (read after it finished).
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    var items: [Int] { lock.withLock { stored } }
    func add(_ more: [Int]) { lock.withLock { stored += more } }
}
