import Common
import Logging

/// Sends e.net REST calls and classifies the answers: Logon, Logoff, GetVersion and Query/Query.
///
/// Sessions: ``withSession(company:summary:_:)`` logs on, runs the body, and **always** logs off every token
/// it obtained (a session holds a licence seat, syspro.md §2.5), even when the body throws. A query answered
/// with a session error logs on again once and is retried once.
///
/// URLs carry the passwords and the session id: they reach logs and errors only through `Redaction.url`.
/// Not thread-safe (one transport).
final class ENetClient {
    let configuration: ENetConfiguration
    let builder: ENetRequestBuilder
    private let transport: any HTTPTransport
    private let retry: ExtractRetryPolicy
    private let logger: Logger

    /// Business-object answers are read whole, up to this size.
    static let maximumBodyBytes = 256 << 20

    init(configuration: ENetConfiguration, transport: any HTTPTransport, retry: ExtractRetryPolicy, logger: Logger) {
        self.configuration = configuration
        self.builder = ENetRequestBuilder(configuration: configuration)
        self.transport = transport
        self.retry = retry
        self.logger = logger
    }

    /// GETs `url` with retries and returns the body as UTF-8 (converted from Windows-1252 when needed).
    private func get(_ url: String, call: String, summary: inout ReadSummary, retries: inout Int) throws -> [UInt8] {
        let request = HTTPRequest(
            method: .get,
            url: url,
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout
        )
        let response = try retry.run(request.description, summary: &summary, retries: &retries) {
            let response = try ServerPermits.shared.withPermit(
                url: url,
                limit: configuration.maximumConcurrentRequests
            ) {
                try transport.perform(request, maxBodyBytes: Self.maximumBodyBytes)
            }
            guard response.status == 200 else {
                throw ENetError.forStatus(
                    response.head,
                    body: Array(response.body.prefix(4096)),
                    url: url,
                    call: call,
                    secrets: [configuration.operatorPassword, configuration.companyPassword]
                )
            }
            return response
        }
        summary.bytes += response.body.count
        return try ENetResponse.utf8Body(
            response.body,
            policy: configuration.undefinedWindows1252Bytes.policy,
            what: "e.net \(call)"
        )
    }

    /// The server's version text (`7.0.0.6`).
    func getVersion(summary: inout ReadSummary) throws -> String {
        var retries = 0
        let body = try get(builder.getVersionURL, call: "GetVersion", summary: &summary, retries: &retries)
        return ENetResponse.unwrap(String(decoding: body, as: UTF8.self))
    }

    /// Logs on to `company` and returns the session token, unwrapped and trimmed.
    func logon(company: String, summary: inout ReadSummary) throws -> String {
        var retries = 0
        let body = try get(builder.logonURL(company: company), call: "Logon", summary: &summary, retries: &retries)
        switch ENetResponse.outcome(of: body, sessionWords: []) {
        case .error(let message), .sessionExpired(let message):
            throw ENetError.logonRefused(
                message,
                operatorName: configuration.operatorName,
                company: company,
                server: configuration.baseURL
            )
        case .notLicensed(let message):
            throw ENetError.notLicensed(message, businessObject: "e.net logon")
        case .success:
            break
        }
        let token = ENetResponse.unwrap(String(decoding: body, as: UTF8.self))
        guard !token.isEmpty, token.utf8.count <= 256, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SysproBQError(
                .protocolViolation,
                "e.net Logon for company \(company) answered with something that is not a session token",
                remedy: "check that baseURL points at the e.net REST endpoint",
                disposition: .needsHuman
            )
        }
        return token
    }

    /// Logs the session off; `0` is success.
    func logoff(token: String, summary: inout ReadSummary) throws {
        var retries = 0
        let body = try get(builder.logoffURL(token: token), call: "Logoff", summary: &summary, retries: &retries)
        switch ENetResponse.outcome(of: body, sessionWords: []) {
        case .error(let message), .sessionExpired(let message), .notLicensed(let message):
            throw ENetError.failed(message, call: "Logoff")
        case .success:
            break
        }
    }

    /// Runs `body` in a session of `company`, logging off every token obtained, on every path.
    func withSession<T>(
        company: String,
        summary: inout ReadSummary,
        _ body: (inout ENetSession, inout ReadSummary) throws -> T
    ) throws -> T {
        var session = ENetSession(client: self, company: company, token: try logon(company: company, summary: &summary))
        defer {
            for token in session.tokens {
                do {
                    try logoff(token: token, summary: &summary)
                } catch  where session.expiredTokens.contains(token) {
                    // The server already said this session is gone; its Logoff failing is expected.
                    summary.recordFault("logoffExpiredSession")
                    logger.debug("e.net Logoff of an expired session failed", metadata: ["enet.company": "\(company)"])
                } catch {
                    summary.recordFault("logoff")
                    logger.warning(
                        "e.net Logoff failed; the session may hold a licence seat until it times out",
                        metadata: ["enet.company": "\(company)", "error": "\(error)"]
                    )
                }
            }
        }
        return try body(&session, &summary)
    }

    /// Runs a Query-class business object and returns its UTF-8 answer, or the session outcome.
    fileprivate func query(
        token: String,
        businessObject: String,
        xmlIn: String,
        summary: inout ReadSummary,
        retries: inout Int
    ) throws -> (body: [UInt8], outcome: ENetResponse.Outcome) {
        let url = builder.queryURL(token: token, businessObject: businessObject, xmlIn: xmlIn)
        let body = try get(url, call: "Query/\(businessObject)", summary: &summary, retries: &retries)
        return (body, ENetResponse.outcome(of: body, sessionWords: configuration.sessionErrorWords))
    }
}

/// A logged-on e.net session; re-logs on once when the server says the session is gone.
struct ENetSession {
    let client: ENetClient
    let company: String
    /// Every token obtained, the current one last; all are logged off when the session ends.
    private(set) var tokens: [String]
    /// Tokens the server answered with a session error.
    private(set) var expiredTokens: Set<String> = []

    init(client: ENetClient, company: String, token: String) {
        self.client = client
        self.company = company
        self.tokens = [token]
    }

    /// Runs a Query-class business object, re-logging on once and retrying once on a session error.
    ///
    /// - Returns: the answer as UTF-8 XML.
    mutating func query(
        businessObject: String,
        xmlIn: String,
        summary: inout ReadSummary,
        retries: inout Int
    ) throws -> [UInt8] {
        var relogged = false
        while true {
            let answer = try client.query(
                token: tokens[tokens.count - 1],
                businessObject: businessObject,
                xmlIn: xmlIn,
                summary: &summary,
                retries: &retries
            )
            switch answer.outcome {
            case .success:
                return answer.body
            case .notLicensed(let message):
                throw ENetError.notLicensed(message, businessObject: businessObject)
            case .error(let message):
                throw ENetError.failed(message, call: "Query/\(businessObject)")
            case .sessionExpired(let message):
                summary.recordFault("sessionExpired")
                guard !relogged else { throw ENetError.sessionLost(message, call: "Query/\(businessObject)") }
                relogged = true
                expiredTokens.insert(tokens[tokens.count - 1])
                retries += 1
                summary.retries += 1
                tokens.append(try client.logon(company: company, summary: &summary))
            }
        }
    }
}
