import Foundation

/// What one chaos run does, from the environment (`make chaos` sets the long run; no variable gives the smoke run
/// that `make test` includes).
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `CHAOS_KILLS` | 20 | SIGKILLs (extract and load together) before the final pass |
/// | `CHAOS_SEED` | random, printed | seeds the simulator's data and faults, fake-bigquery's faults, kill instants and business steps |
/// | `CHAOS_KILLS_PER_ROUND` | max(10, kills / 20) | kills between two business advances |
/// | `CHAOS_SIM_FAULT_RATE` | 0.05 | fraction of SYSPRO requests given a fault |
/// | `CHAOS_BQ_FAULT_RATE` | 0.05 | fraction of BigQuery data-plane requests given a fault |
/// | `CHAOS_DEDUP_WINDOW` | 0 | fake-bigquery's insertId dedup window, seconds (0: none, the worst BigQuery allows) |
/// | `CHAOS_MAX_SECONDS` | 2700 | the run stops starting rounds after this long (a violation: the kill target was missed) |
/// | `CHAOS_REPORT` | none | also write the report to this file |
struct ChaosSettings: CustomStringConvertible {
    var kills = 20
    var seed: UInt64 = UInt64.random(in: 1...999_999)
    var killsPerRound = 10
    var simulatorFaultRate = 0.05
    var bigQueryFaultRate = 0.05
    var dedupWindow = 0.0
    var maxSeconds = 2_700.0
    var reportPath: String?
    var companies = ["A", "B"]
    var scale = 0.02
    /// Rows per segment: small, so that kills land on seals as well as on writes.
    var segmentMaxRows = 150
    /// Business steps per advance, drawn from this range.
    var stepsPerRound = 20...80

    /// Every SYSPRO fault kind the simulator has (`session` applies to e.net only).
    static let simulatorFaultKinds = "429,500,503,hang,reset,truncate,html200,badjson,session"
    /// Every transient fault kind fake-bigquery has, including the two that commit before failing.
    static let bigQueryFaultKinds = "429,500,503,reset,hang,413,500-after-commit,truncate"
    /// Access tokens stop working this many seconds after they are issued, whatever `expires_in` said.
    static let tokenEarlyExpiry = 20

    init() {}

    init(environment: [String: String]) throws {
        func value<T: LosslessStringConvertible>(_ name: String, _ current: T) throws -> T {
            guard let text = environment[name], !text.isEmpty else { return current }
            guard let parsed = T(text) else { throw HarnessError("\(name)=\(text) is not a valid value") }
            return parsed
        }
        kills = try value("CHAOS_KILLS", kills)
        seed = try value("CHAOS_SEED", seed)
        killsPerRound = try value("CHAOS_KILLS_PER_ROUND", max(10, kills / 20))
        simulatorFaultRate = try value("CHAOS_SIM_FAULT_RATE", simulatorFaultRate)
        bigQueryFaultRate = try value("CHAOS_BQ_FAULT_RATE", bigQueryFaultRate)
        dedupWindow = try value("CHAOS_DEDUP_WINDOW", dedupWindow)
        maxSeconds = try value("CHAOS_MAX_SECONDS", maxSeconds)
        reportPath = environment["CHAOS_REPORT"].flatMap { $0.isEmpty ? nil : $0 }
        guard kills > 0, killsPerRound > 0, maxSeconds > 0, dedupWindow >= 0,
            (0...1).contains(simulatorFaultRate), (0...1).contains(bigQueryFaultRate)
        else { throw HarnessError("chaos settings out of range: \(self)") }
    }

    var description: String {
        "kills \(kills), seed \(seed), kills per round \(killsPerRound), SYSPRO fault rate \(simulatorFaultRate), "
            + "BigQuery fault rate \(bigQueryFaultRate), dedup window \(dedupWindow)s, companies "
            + "\(companies.joined(separator: ",")), scale \(scale), segment_max_rows \(segmentMaxRows)"
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): the harness's own seeded generator, so kill instants and business
/// steps follow from `CHAOS_SEED`.
struct ChaosRandom: RandomNumberGenerator {
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
