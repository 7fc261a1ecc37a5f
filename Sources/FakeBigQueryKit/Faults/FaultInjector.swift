/// Decides, call by call, whether to inject a fault; deterministic for a given seed and call order.
///
/// A value type used under the fake's lock: not thread-safe by itself.
struct FaultInjector: Sendable {
    var rate: Double
    var kinds: [FaultKind]
    private var random: SplitMix64

    init(rate: Double, kinds: [FaultKind], seed: UInt64) {
        self.rate = rate
        self.kinds = kinds
        self.random = SplitMix64(seed: seed)
    }

    /// Draws for one data-plane call. `isInsertAll` makes 413 eligible.
    mutating func draw(isInsertAll: Bool) -> FaultKind? {
        let roll = random.nextUnit()
        guard rate > 0, roll < rate else { return nil }
        let eligible = kinds.filter { $0 != .payloadTooLarge || isInsertAll }
        guard !eligible.isEmpty else { return nil }
        return eligible[Int(random.next() % UInt64(eligible.count))]
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, well-mixed, seedable generator.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1) from the top 53 bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
