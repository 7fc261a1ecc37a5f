import LocalServer
import Logging
import Synchronization

/// The simulated SYSPRO server: company databases, the OData service, the e.net REST service
/// and the `/_sim/` control endpoints, routed from one `LocalHTTPServer` handler.
///
/// Thread-safety: every mutable part sits behind its own mutex; `handle` runs on many
/// connection threads at once.
final class Simulator: Sendable {
    let configuration: SimulatorConfiguration
    let logger: Logger
    let faults: FaultInjector
    let stats = SimulatorStats()
    let sessions: ENetSessions
    /// Exact responses set by `POST /_sim/canned`, served instead of the real ones.
    let canned = CannedResponses()
    private let databases: Mutex<[String: CompanyDatabase]>
    private let advanceCount = Atomic<UInt64>(0)

    init(configuration: SimulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        faults = FaultInjector(seed: configuration.seed, rate: configuration.faultRate, kinds: configuration.faultKinds)
        sessions = ENetSessions(seed: configuration.seed)
        databases = Mutex(Self.generate(configuration))
    }

    static func generate(_ c: SimulatorConfiguration) -> [String: CompanyDatabase] {
        var out: [String: CompanyDatabase] = [:]
        for company in c.companies {
            let state = Generator(seed: c.seed, scale: c.scale, company: company, glRows: c.glRows).generate()
            out[company] = CompanyDatabase(company: company, initial: state)
        }
        return out
    }

    /// The company database with this exact id, or nil.
    func database(_ company: String) -> CompanyDatabase? { databases.withLock { $0[company] } }

    var companyIds: [String] { configuration.companies }

    /// Regenerates every company from the seed (`POST /_sim/reset`).
    func reset() {
        let fresh = Self.generate(configuration)
        databases.withLock { $0 = fresh }
        sessions.closeAll()
    }

    /// Runs `steps` business steps in every company; `seed` defaults to a per-call derivation.
    func advance(steps: Int, seed: UInt64?) -> [String: Int] {
        let call = advanceCount.wrappingAdd(1, ordering: .relaxed).oldValue
        let stepSeed = seed ?? (configuration.seed ^ (call &+ 1) &* 0xA24B_AED4_963E_E407)
        var changes: [String: Int] = [:]
        for company in companyIds {
            guard let db = database(company) else { continue }
            changes[company] = db.mutate { state in
                var business = Business(company: company, seed: stepSeed)
                return business.advance(&state, steps: steps)
            }
        }
        return changes
    }

    /// The server handler: routes by path prefix.
    func handle(_ request: ServerRequest, _ writer: ResponseWriter) {
        let path = request.path
        if path.hasPrefix("/_sim/") {
            stats.count("control")
            ControlService(simulator: self).handle(request, writer)
        } else if path.lowercased().hasPrefix("/sysprowcfservice/rest/") {
            ENetService(simulator: self).handle(request, writer)
        } else if path == configuration.odataRoot || path.hasPrefix(configuration.odataRoot + "/") {
            ODataService(simulator: self).handle(request, writer)
        } else {
            stats.count("unrouted")
            writer.respond(status: 404, headers: [("Content-Type", "text/plain")], text: "Not found: \(path)\n")
        }
    }
}

extension ServerRequest {
    /// Query items decoded the way IIS/ASP.NET and WCF decode them: `+` is a space. A client
    /// that sends `…T00:00:00+02:00` or a token's trailing spaces unencoded is caught by this,
    /// as it would be by the real service; `%2B` is the way to send a plus sign.
    var aspNetQueryItems: [(name: String, value: String)] {
        PercentDecoding.queryItems(rawQuery, plusIsSpace: true) ?? queryItems
    }
}

/// Request and fault counters for `GET /_sim/stats`. Thread-safe.
final class SimulatorStats: Sendable {
    private struct Counts {
        var requests: [String: Int] = [:]
        var faults: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())

    func count(_ endpoint: String) { counts.withLock { $0.requests[endpoint, default: 0] += 1 } }

    func countFault(_ kind: FaultKind) { counts.withLock { $0.faults[kind.rawValue, default: 0] += 1 } }

    var requests: [String: Int] { counts.withLock { $0.requests } }
    var faults: [String: Int] { counts.withLock { $0.faults } }
}
