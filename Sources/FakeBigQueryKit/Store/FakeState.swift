/// Everything the fake holds in memory. Guarded by `FakeBigQuery`'s mutex; never touched without it.
struct FakeState: Sendable {
    var datasets: [String: StoredDataset] = [:]
    var tables: [TableKey: StoredTable] = [:]
    var jobs: [String: LoadJob] = [:]
    var uploads: [String: ResumableUpload] = [:]
    /// Access token → expiry (epoch seconds).
    var tokens: [String: Double] = [:]
    /// Per table: insertId → when it was first stored (epoch seconds).
    var recentInsertIds: [TableKey: [String: Double]] = [:]
    var statistics = FakeStatistics()
    var faults: FaultInjector
    /// `POST /_fake/auth?revoked=true`: every grant is refused as Google refuses a deleted key's.
    var keyRevoked = false
    /// IAM permissions `tables.testIamPermissions` leaves out of its answer (`/_fake/auth?deny=…`).
    var deniedPermissions: Set<String> = []
    /// `POST /_fake/auth?clock_offset=S`: the token endpoint's clock runs S seconds off, as a skewed client sees it.
    var authClockOffset = 0.0
    var random: SplitMix64

    init(faults: FaultInjector, seed: UInt64) {
        self.faults = faults
        self.random = SplitMix64(seed: seed ^ 0x5EED_70CE_4E11_D0E5)
    }

    /// A fresh lowercase hex identifier of `bytes` random bytes.
    mutating func randomHex(bytes: Int) -> String {
        var text = ""
        for _ in 0..<bytes {
            let byte = UInt8(truncatingIfNeeded: random.next())
            text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }
        return text
    }

    /// When each table's insertIds were last pruned (epoch seconds).
    var insertIdsPrunedAt: [TableKey: Double] = [:]

    /// Forgets a table's insertIds older than the window, at most once a second, so the map stays bounded.
    mutating func pruneInsertIds(of key: TableKey, now: Double, window: Double) {
        guard now - (insertIdsPrunedAt[key] ?? 0) >= 1 else { return }
        insertIdsPrunedAt[key] = now
        recentInsertIds[key] = recentInsertIds[key]?.filter { now - $0.value < window }
    }
}
