public import Common

/// Where and how to reach SYSPRO e.net business objects over the WCF REST endpoint (syspro.md §2).
///
/// The operator password, the company password and the session id travel in URL query strings (§2.1, [C]):
/// URLs are therefore only ever logged or put into errors through `Redaction.url`. The passwords are secrets.
///
/// This type is a value type and is `Sendable`.
public struct ENetConfiguration: Sendable, Hashable {
    /// `http(s)://host:port/SYSPROWCFService/Rest`; the port is whatever the installer chose (31002 seen on
    /// SYSPRO 8, 90 and 2000x on SYSPRO 7).
    public var baseURL: String
    public var operatorName: String
    /// Secret.
    public var operatorPassword: String
    /// The default company id; an ``ExtractQuery`` names the company it reads.
    public var companyId: String
    /// Secret; may be empty ([C] PI omits it).
    public var companyPassword: String
    /// COMFND `ReturnRows` per request. The real cap is unknown ([?] §2.4); PY uses 1000–5000.
    public var pageSize: Int
    public var connectTimeout: Double
    /// Large COMFND pages take a while (§4: 30–120 s).
    public var requestTimeout: Double
    public var caBundlePath: String?
    /// What to do with bytes undefined in Windows-1252 (see ``Windows1252``).
    public var undefinedWindows1252Bytes: Windows1252UndefinedBytes
    /// Words that mark an `ERROR` body as a session problem (re-logon once and retry once). The real text for
    /// an expired session is unknown ([?] §2.5), so this is a setting; compared without case.
    public var sessionErrorWords: [String]
    /// Concurrent requests to one server, across every source in the process.
    public var maximumConcurrentRequests: Int
    public var retryPolicy: RetryPolicy

    public init(
        baseURL: String,
        operatorName: String,
        operatorPassword: String,
        companyId: String,
        companyPassword: String = "",
        pageSize: Int = 1000,
        connectTimeout: Double = 15,
        requestTimeout: Double = 120,
        caBundlePath: String? = nil,
        undefinedWindows1252Bytes: Windows1252UndefinedBytes = .reject,
        sessionErrorWords: [String] = ["session", "userid", "user id", "logon", "log on", "logged", "login"],
        maximumConcurrentRequests: Int = 2,
        retryPolicy: RetryPolicy = RetryPolicy()
    ) {
        self.baseURL = baseURL
        self.operatorName = operatorName
        self.operatorPassword = operatorPassword
        self.companyId = companyId
        self.companyPassword = companyPassword
        self.pageSize = pageSize
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.caBundlePath = caBundlePath
        self.undefinedWindows1252Bytes = undefinedWindows1252Bytes
        self.sessionErrorWords = sessionErrorWords
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.retryPolicy = retryPolicy
    }

    /// Checks the settings.
    ///
    /// - Throws: `SysproBQError` `.configuration` (terminal) naming the setting.
    public func validate() throws {
        func fail(_ message: String) -> SysproBQError {
            SysproBQError(.configuration, "e.net configuration: \(message)", disposition: .terminal)
        }
        let lowered = baseURL.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), !baseURL.contains("?") else {
            throw fail("baseURL must be http(s)://host:port/SYSPROWCFService/Rest")
        }
        guard !operatorName.isEmpty else { throw fail("the operator name is empty") }
        guard !companyId.isEmpty else { throw fail("the company id is empty") }
        guard pageSize >= 1 else { throw fail("pageSize must be at least 1") }
        guard connectTimeout > 0, requestTimeout > 0 else { throw fail("timeouts must be positive") }
        guard maximumConcurrentRequests >= 1 else { throw fail("maximumConcurrentRequests must be at least 1") }
    }
}

/// The public face of ``Windows1252/UndefinedBytePolicy``.
public enum Windows1252UndefinedBytes: String, Sendable, Hashable, Codable {
    /// Stop with an error naming the offset (default: the data is not what the server declared).
    case reject
    /// Map to the C1 control of the same value, as Windows does (lossless).
    case mapToC1

    var policy: Windows1252.UndefinedBytePolicy { self == .reject ? .reject : .mapToC1 }
}
