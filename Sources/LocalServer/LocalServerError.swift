#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the local HTTP server could not start.
///
/// The server is test and simulator infrastructure, so its failures are all terminal for the
/// caller: a refused host is a programming error, a failed bind means the port is taken.
public enum LocalServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host is not a loopback address; the server only ever binds 127.0.0.1 or ::1.
    case nonLoopbackHost(String)
    /// `start()` was called twice, or after `stop()`.
    case alreadyStarted
    /// A socket call failed; carries the call's name and errno.
    case socketCall(String, errno: Int32)

    public var description: String {
        switch self {
        case .nonLoopbackHost(let host):
            return "Refusing to listen on \(host): only 127.0.0.1, ::1 and localhost are allowed"
        case .alreadyStarted:
            return "The server was already started; create a new LocalHTTPServer"
        case .socketCall(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
