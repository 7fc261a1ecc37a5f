public import Common
import Foundation
public import Logging

/// Sends BigQuery calls: adds the bearer token, refreshes it once on a 401, retries transient failures with
/// `Common.RetryPolicy` (sleeping through the `WallClock`), and turns error answers into classified
/// ``SysproBQError``s (``BigQueryErrorClassifier``).
///
/// Thread-safety: not thread-safe; one client per thread. It owns its transport (a `CurlHTTPClient` is for one
/// thread at a time) and shares the thread-safe ``ServiceAccountAuthenticator``.
public final class BigQueryClient {
    let configuration: BigQueryConfiguration
    let paths: BigQueryPaths
    let transport: any HTTPTransport
    let authenticator: ServiceAccountAuthenticator
    let clock: any WallClock
    let logger: Logger
    /// What this client did, for the load summary.
    var statistics = ClientStatistics()

    public init(
        configuration: BigQueryConfiguration,
        transport: any HTTPTransport,
        authenticator: ServiceAccountAuthenticator,
        clock: any WallClock,
        logger: Logger
    ) {
        self.configuration = configuration
        self.paths = BigQueryPaths(configuration: configuration)
        self.transport = transport
        self.authenticator = authenticator
        self.clock = clock
        self.logger = logger
    }

    /// Sends `request` once with a bearer token; on a 401 drops the token, fetches a new one and sends again,
    /// once (google-auth's `refresh once, then retry`).
    func sendAuthorized(_ request: HTTPRequest, maxBodyBytes: Int = 64 << 20) throws -> HTTPResponse {
        var token = try accessToken()
        var refreshed = false
        while true {
            var authorized = request
            authorized.headers.append(HTTPHeader("Authorization", token.authorizationHeader))
            if authorized.connectTimeout == nil { authorized.connectTimeout = configuration.connectTimeout }
            if authorized.totalTimeout == nil { authorized.totalTimeout = configuration.requestTimeout }
            statistics.requests += 1
            statistics.bytesSent += Self.bodySize(request.body)
            let response = try transport.perform(authorized, maxBodyBytes: maxBodyBytes)
            guard response.status == 401, !refreshed else { return response }
            logger.info("Access token refused; refreshing", metadata: ["http.url": "\(Redaction.url(request.url))"])
            authenticator.invalidate(token)
            token = try accessToken()
            statistics.tokenRefreshes += 1
            refreshed = true
        }
    }

    /// A token from the authenticator. Its failures were already retried by the authenticator, so they are
    /// wrapped to keep ``call(_:operation:accept:)`` from retrying them again.
    private func accessToken() throws -> AccessToken {
        do {
            return try authenticator.accessToken(using: transport)
        } catch let error as SysproBQError {
            throw TokenFailure(error: error)
        }
    }

    /// A token failure passing through ``call(_:operation:accept:)`` unretried.
    struct TokenFailure: Error {
        let error: SysproBQError
    }

    /// Sends `request` until it succeeds, retrying transient failures with backoff.
    ///
    /// - Parameters:
    ///   - request: the call.
    ///   - operation: what is being done, for messages ("insertAll into ds.ApInvoice").
    ///   - accept: error statuses the caller handles itself (409 for creates, 413 for insertAll); they are
    ///     returned instead of thrown.
    /// - Returns: a 2xx response or one with a status in `accept`.
    /// - Throws: the classified error when the failure is not transient or retries are exhausted.
    func call(_ request: HTTPRequest, operation: String, accept: Set<Int> = []) throws -> HTTPResponse {
        var retry = RetryState(policy: configuration.retryPolicy)
        while true {
            var failure: SysproBQError
            var longWait = false
            var serverDelay: Double?
            var reasonKey: String
            do {
                let response = try sendAuthorized(request)
                if (200..<300).contains(response.status) || accept.contains(response.status) { return response }
                let body = BigQueryErrorBody(status: response.status, body: response.body)
                let action = BigQueryErrorClassifier.action(status: body.status, reason: body.reason)
                reasonKey = body.reason ?? "http\(body.status)"
                if action == .refreshToken {
                    // A fresh token was refused too: the account lost access.
                    throw SysproBQError(
                        .credentials,
                        "\(operation): BigQuery refused a freshly issued access token (HTTP 401)",
                        remedy: "check that the service account still exists and has BigQuery roles",
                        cause: .http(status: 401, bodyExcerpt: body.excerpt),
                        disposition: .needsHuman
                    )
                }
                let classified = BigQueryErrorClassifier.error(body, operation: operation)
                guard action == .retry || action == .retryAfterLongWait else { throw classified }
                failure = classified
                longWait = action == .retryAfterLongWait
                serverDelay = HTTPStatusClass.retryAfterSeconds(response.head, now: clock.now())
            } catch let token as TokenFailure {
                throw token.error
            } catch let error as SysproBQError where error.code == .transport && error.isRetryable {
                failure = error.adding(context: operation)
                reasonKey = "transport"
            }
            switch retry.recordFailure(
                failure,
                serverDelay: serverDelay,
                longWait: longWait,
                random: Double.random(in: 0..<1)
            ) {
            case .retry(let delay):
                statistics.retries[reasonKey, default: 0] += 1
                logger.warning(
                    "Retrying BigQuery call",
                    metadata: [
                        "bq.operation": "\(operation)", "bq.reason": "\(reasonKey)",
                        "retry.delay": "\(delay)", "retry.attempt": "\(retry.attempt)",
                    ]
                )
                clock.sleep(seconds: delay)
            case .giveUp:
                throw failure
            }
        }
    }

    /// A JSON request to the API.
    func jsonRequest(_ method: HTTPMethod, _ url: String, body: JSONValue? = nil) -> HTTPRequest {
        var headers: [HTTPHeader] = []
        var payload = HTTPRequestBody.none
        if let body {
            headers.append(HTTPHeader("Content-Type", "application/json; charset=UTF-8"))
            payload = .bytes(body.bytes)
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: payload)
    }

    static func bodySize(_ body: HTTPRequestBody) -> Int {
        switch body {
        case .none: return 0
        case .bytes(let bytes): return bytes.count
        case .file(let path):
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
            return size ?? 0
        }
    }
}

/// Counters one client keeps; merged into the load summary.
///
/// This type is a value type and is `Sendable`.
public struct ClientStatistics: Sendable, Hashable {
    /// HTTP requests sent to BigQuery (token calls excluded).
    public var requests = 0
    /// Request body bytes sent.
    public var bytesSent = 0
    /// Retries by BigQuery reason (`rateLimitExceeded`, `backendError`, `http503`, `transport`, …).
    public var retries: [String: Int] = [:]
    /// Tokens refreshed after a 401.
    public var tokenRefreshes = 0

    public init() {}

    mutating func merge(_ other: ClientStatistics) {
        requests += other.requests
        bytesSent += other.bytesSent
        tokenRefreshes += other.tokenRefreshes
        retries.merge(other.retries, uniquingKeysWith: +)
    }
}
