#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error type of syspro-bq: what happened, to what, what to do, the underlying cause, and
/// whether retrying can help.
///
/// Every target throws this type. The CLI maps ``Disposition`` (and a few codes) to documented exit codes in
/// one function, so a scheduler can tell "retry later" from "a human must act".
///
/// Messages never contain secrets: callers redact URLs (``Redaction``) before they put them in a message,
/// and never put passwords, tokens or key material in `message`, `remedy` or `cause`.
///
/// This type is a value type and is `Sendable`.
public struct SysproBQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A closed set of failure kinds. Add a case only with its exit-code mapping in the CLI.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A command-line flag or argument was wrong.
        case usage
        /// The configuration file or an environment override is wrong.
        case configuration
        /// A stored credential is missing, cannot be decrypted, or was refused by a service.
        case credentials
        /// A local file-system call failed (open, write, fsync, rename, ...).
        case fileSystem
        /// Sealed data failed verification: a checksum, chain link or format check.
        case corruption
        /// A transport-level HTTP failure: connect, TLS, timeout, reset, truncated body.
        case transport
        /// A remote service answered with an error status or an error body.
        case remote
        /// A remote service answered with something that does not follow its protocol (bad JSON, HTML page).
        case protocolViolation
        /// Input data cannot be represented (a number out of NUMERIC range, a row over the request limit).
        case invalidData
        /// Another run holds the lock on the staging directory.
        case locked
        /// The run was interrupted by a signal and stopped safely.
        case interrupted
        /// An invariant of syspro-bq itself did not hold: a bug.
        case internalError
    }

    /// What the caller should do about the failure.
    public enum Disposition: String, Sendable, Hashable {
        /// A later attempt may succeed without any change (timeouts, 429, 5xx, resets).
        case retryable
        /// The same input will fail again; the run stops, but nothing needs repair (bad flag, unknown table).
        case terminal
        /// A person must act: credentials, permissions, corruption, a full disk.
        case needsHuman
    }

    /// The lower-level cause, kept for diagnosis. Never holds secrets.
    public enum Cause: Sendable, Hashable, CustomStringConvertible {
        /// A libc call failed with `errno`.
        case errno(Int32, call: String)
        /// A libcurl transfer failed.
        case curl(code: Int32, text: String)
        /// A service answered with an HTTP status; the body excerpt is at most a few hundred bytes.
        case http(status: Int, bodyExcerpt: String)
        /// A zlib call failed.
        case zlib(code: Int32, text: String)
        /// An OpenSSL call failed.
        case openssl(text: String)
        /// Anything else, described in words.
        case other(String)

        public var description: String {
            switch self {
            case .errno(let value, let call):
                return "\(call): \(Self.errnoText(value)) (errno \(value))"
            case .curl(let code, let text):
                return "libcurl error \(code): \(text)"
            case .http(let status, let body):
                return body.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(body)"
            case .zlib(let code, let text):
                return "zlib error \(code): \(text)"
            case .openssl(let text):
                return "OpenSSL: \(text)"
            case .other(let text):
                return text
            }
        }

        static func errnoText(_ value: Int32) -> String {
            guard let text = strerror(value) else { return "unknown error" }
            return String(cString: text)
        }
    }

    public var code: Code
    /// What happened, naming the thing it happened to (a path and offset, an OData entity, a BigQuery job).
    public var message: String
    /// What to do about it, when there is something to say.
    public var remedy: String?
    public var cause: Cause?
    public var disposition: Disposition

    public init(_ code: Code, _ message: String, remedy: String? = nil, cause: Cause? = nil, disposition: Disposition) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.cause = cause
        self.disposition = disposition
    }

    /// Whether an automatic retry can help.
    public var isRetryable: Bool { disposition == .retryable }

    /// One line: the message and its cause.
    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }

    /// The multi-line text the CLI prints: message, cause and remedy.
    public var detailedDescription: String {
        var text = "error: \(message)"
        if let cause { text += "\n  cause: \(cause)" }
        if let remedy { text += "\n  what to do: \(remedy)" }
        return text
    }

    /// Returns a copy whose message is prefixed with context, e.g. the stream or command being run.
    public func adding(context: String) -> SysproBQError {
        var copy = self
        copy.message = "\(context): \(message)"
        return copy
    }
}
