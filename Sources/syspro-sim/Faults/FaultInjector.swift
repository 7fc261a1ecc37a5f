import Synchronization

/// The faults the simulator can inject into OData and e.net responses.
enum FaultKind: String, Sendable, CaseIterable {
    case tooManyRequests = "429"
    case internalError = "500"
    case unavailable = "503"
    /// Hold the connection without answering for `--hang-seconds`.
    case hang
    /// Send part of the body, then a TCP RST.
    case reset
    /// Declare the full Content-Length, send part of the body, close.
    case truncate
    /// HTTP 200 with an IIS HTML error page.
    case html200
    /// HTTP 200 with a body cut inside a row (JSON for OData, XML for e.net), correctly framed.
    case badjson
    /// e.net only: the session-expired error text.
    case session

    /// Parses `429,500,hang,…`; nil when a name is unknown.
    static func parseList(_ text: String) -> [FaultKind]? {
        var kinds: [FaultKind] = []
        for part in text.split(separator: ",") {
            guard let kind = FaultKind(rawValue: part.trimmingCharacters(in: " ")) else { return nil }
            kinds.append(kind)
        }
        return kinds
    }
}

/// Decides, per request, whether to inject a fault and which one: deterministic from the seed
/// and the request counter, so a failing run can be replayed.
///
/// Thread-safe.
final class FaultInjector: Sendable {
    private struct Settings {
        var rate: Double
        var kinds: [FaultKind]
    }

    private let seed: UInt64
    private let settings: Mutex<Settings>
    private let counter = Atomic<UInt64>(0)

    init(seed: UInt64, rate: Double, kinds: [FaultKind]) {
        self.seed = seed
        settings = Mutex(Settings(rate: rate, kinds: kinds))
    }

    func update(rate: Double?, kinds: [FaultKind]?) {
        settings.withLock { s in
            if let rate { s.rate = rate }
            if let kinds { s.kinds = kinds }
        }
    }

    var current: (rate: Double, kinds: [FaultKind]) { settings.withLock { ($0.rate, $0.kinds) } }

    /// Draws for the next request; `enet` allows the `session` kind.
    func draw(enet: Bool) -> FaultKind? {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let (rate, kinds) = current
        guard rate > 0 else { return nil }
        let applicable = kinds.filter { enet || $0 != .session }
        guard !applicable.isEmpty else { return nil }
        var r = SplitMix64(seed: seed ^ (n &* 0x9E37_79B9_7F4A_7C15))
        guard r.chance(rate) else { return nil }
        return applicable[Int(r.next() % UInt64(applicable.count))]
    }
}
