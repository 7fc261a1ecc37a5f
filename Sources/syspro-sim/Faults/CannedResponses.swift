import LocalServer
import Synchronization

/// Exact responses the tests ask the simulator to serve in place of the real one, per protocol and table
/// (`POST /_sim/canned`): the bad-input corpus uses them to send one precise malformed page, error body or
/// undecodable byte, every time, with no randomness.
///
/// Thread-safe: the table sits behind a mutex.
final class CannedResponses: Sendable {
    /// Which service a canned response replaces.
    enum Service: String, Sendable {
        case odata
        case enet
    }

    /// One response to serve verbatim.
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    private let responses = Mutex<[String: Response]>([:])

    /// Serves `response` for every request of `service` naming `target` (a table, `$metadata`, or `*` for all).
    func set(_ response: Response, service: Service, target: String) {
        responses.withLock { $0["\(service.rawValue):\(target)"] = response }
    }

    /// Removes every canned response.
    func clear() { responses.withLock { $0.removeAll() } }

    /// The response to serve for `target`, if one is canned (an exact target wins over `*`).
    func response(_ service: Service, target: String) -> Response? {
        responses.withLock { $0["\(service.rawValue):\(target)"] ?? $0["\(service.rawValue):*"] }
    }

    /// Writes `response` as it is.
    static func send(_ response: Response, _ writer: ResponseWriter) {
        writer.respond(status: response.status, headers: [("Content-Type", response.contentType)], body: response.body)
    }
}
