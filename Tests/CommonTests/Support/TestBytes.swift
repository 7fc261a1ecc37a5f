/// Deterministic test data.
enum TestBytes {
    /// `count` bytes of text-like data that compresses roughly like NDJSON: words from a small vocabulary
    /// chosen by a fixed-seed generator, so runs are reproducible.
    static func text(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        let words: [[UInt8]] = ["invoice", "supplier", "1234.50", "\"ApInvoice\"", "{", "}", ",", "\n", "  00001"]
            .map { Array($0.utf8) }
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 16)
        while bytes.count < count {
            bytes.append(contentsOf: words[Int(generator.next() % UInt64(words.count))])
            if generator.next() % 4 == 0 {
                bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            }
        }
        return Array(bytes.prefix(count))
    }

    /// `count` bytes from a fixed-seed generator (incompressible).
    static func random(count: Int, seed: UInt64 = 42) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = generator.next()
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return bytes
    }
}

/// A tiny deterministic generator (SplitMix64) for reproducible test data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
