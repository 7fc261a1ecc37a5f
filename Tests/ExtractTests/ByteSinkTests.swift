import Testing

@testable import Extract

/// The short-run copy and compare paths (two overlapping words, a byte loop below four bytes) agree with the
/// plain definitions at every length and every position of a difference.
@Suite struct ByteSinkTests {
    /// 0…40 bytes, so every branch (bytes, 4-byte words, 8-byte words, memmove above 16) and every overlap is hit.
    static let lengths = Array(0...40)

    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    @Test func appendCopiesExactlyTheBytesAfterWhatWasWritten() {
        let scratch = ScratchBytes(capacity: 16)
        for count in Self.lengths {
            for lead in [0, 1, 7] {
                let source = Self.pattern(count, seed: UInt8(count))
                var sink = scratch.sink(minimum: lead + count + 8)
                for _ in 0..<lead { sink.append(0xEE) }
                source.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
                sink.append(0xFF)
                #expect(
                    Array(sink.written) == Array(repeating: 0xEE, count: lead) + source + [0xFF],
                    "\(count)+\(lead)"
                )
            }
        }
    }

    @Test func equalMatchesArrayEqualityAtEveryLengthAndDifference() {
        for count in Self.lengths {
            let left = Self.pattern(count, seed: 3)
            #expect(left.withUnsafeBufferPointer { l in left.withUnsafeBufferPointer { ShortBytes.equal(l, $0) } })
            for position in 0..<count {
                var right = left
                right[position] ^= 0x40
                let equal = left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { ShortBytes.equal(l, $0) }
                }
                #expect(!equal, "length \(count), difference at \(position)")
            }
            let longer = left + [0]
            #expect(!left.withUnsafeBufferPointer { l in longer.withUnsafeBufferPointer { ShortBytes.equal(l, $0) } })
        }
    }
}
