import Dispatch
import Synchronization

/// A process-wide limit on concurrent requests per server (syspro.md §4: be gentle, ≤ 2 concurrent
/// requests to a customer's SYSPRO server).
///
/// Sources take a permit around each HTTP exchange. The server is the URL's `scheme://host:port`, so two
/// sources reading different tables from one SYSPRO server share its permits. The first use of a server fixes
/// its limit.
///
/// This type is thread-safe.
final class ServerPermits: Sendable {
    static let shared = ServerPermits()

    private let semaphores = Mutex<[String: DispatchSemaphore]>([:])

    /// Runs `body` holding one of `server`'s permits, waiting for one if all are taken.
    func withPermit<T>(url: String, limit: Int, _ body: () throws -> T) rethrows -> T {
        let server = Self.serverKey(url)
        let semaphore = semaphores.withLock { table in
            if let existing = table[server] { return existing }
            let created = DispatchSemaphore(value: max(1, limit))
            table[server] = created
            return created
        }
        semaphore.wait()
        defer { semaphore.signal() }
        return try body()
    }

    /// `scheme://host:port` of `url`, lower-cased.
    static func serverKey(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url.lowercased() }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return (url[..<schemeEnd.upperBound] + authority).lowercased()
    }
}
