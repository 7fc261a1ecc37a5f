import Foundation
import Synchronization

/// e.net sessions (one per Logon), for expiry and for the open-session count in `/_sim/stats`
/// (every session holds a licence seat on a real server, so the connector must always Logoff).
///
/// Thread-safe.
final class ENetSessions: Sendable {
    struct Session {
        let company: String
        let created: Date
        var calls: Int
    }

    enum Lookup {
        case valid(company: String)
        case unknown
        case expired
    }

    private struct State {
        var open: [String: Session] = [:]
        var opened = 0
        var closed = 0
        var expired = 0
        var generator: SplitMix64
    }

    private let state: Mutex<State>

    init(seed: UInt64) { state = Mutex(State(generator: SplitMix64(seed: seed, stream: "enet-sessions"))) }

    /// Opens a session and returns its token: 34 upper-case hex characters (no trailing spaces).
    func open(company: String) -> String {
        state.withLock { s in
            var token = ""
            let hex = Array("0123456789ABCDEF")
            for _ in 0..<34 { token.append(hex[Int(s.generator.next() % 16)]) }
            s.open[token] = Session(company: company, created: Date(), calls: 0)
            s.opened += 1
            return token
        }
    }

    /// Closes a session; accepts the token with or without its trailing spaces.
    func close(_ token: String) -> Bool {
        state.withLock { s in
            guard s.open.removeValue(forKey: Self.normalise(token)) != nil else { return false }
            s.closed += 1
            return true
        }
    }

    /// Counts a call against the session and reports whether it is still valid.
    func use(_ token: String, maxCalls: Int?, ttl: Double?) -> Lookup {
        state.withLock { s in
            let key = Self.normalise(token)
            guard var session = s.open[key] else { return .unknown }
            session.calls += 1
            let tooMany = maxCalls.map { session.calls > $0 } ?? false
            let tooOld = ttl.map { Date().timeIntervalSince(session.created) > $0 } ?? false
            if tooMany || tooOld {
                s.open.removeValue(forKey: key)
                s.expired += 1
                return .expired
            }
            s.open[key] = session
            return .valid(company: session.company)
        }
    }

    func closeAll() { state.withLock { $0.open.removeAll() } }

    var counts: (open: Int, opened: Int, closed: Int, expired: Int) {
        state.withLock { ($0.open.count, $0.opened, $0.closed, $0.expired) }
    }

    private static func normalise(_ token: String) -> String {
        var t = Substring(token)
        while t.last == " " { t.removeLast() }
        if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = t.dropFirst().dropLast() }
        while t.last == " " { t.removeLast() }
        return String(t)
    }
}
