public import Common
import Foundation
import Synchronization

/// The fake BigQuery REST v2 and OAuth token service: all state and all request handling, without a socket.
///
/// It exists for what bqemulator gets wrong (docs: shared reference bigquery.md B4/B5) and answers with the
/// JSON shapes of Part A:
/// - `POST /token`: JWT-bearer grants, RS256-verified; `invalid_grant` ("Invalid JWT Signature.", the
///   clock-skew text, "Invalid email or User ID"), `invalid_scope`, `unsupported_grant_type`.
/// - `/bigquery/v2/projects/{p}/…`: datasets.insert/get, tables.insert/get/patch (schema and layout
///   rules, views stored not run), tabledata.insertAll (row validation, `invalid`/`stopped`, insertId
///   dedup window, 413, 50,000-row limit, templateSuffix), jobs.insert (load from `gs://` under
///   `gsRoot`), jobs.get (PENDING → RUNNING × `jobSteps` → DONE, the load runs atomically at DONE),
///   jobs.query (`SELECT COUNT(*)` only).
/// - `/upload/bigquery/v2/projects/{p}/jobs`: multipart and resumable load uploads (gzip by magic bytes).
///   Resumable `PUT`s with an `upload_id` need no bearer token: the session URI is the credential.
/// - `/_fake/…`: rows read-back, stats, fault control, token expiry (see `handleControl`).
/// Every API call needs a live bearer token (401 `authError` otherwise); faults are drawn after the
/// token check, from a seeded generator.
///
/// `FakeBigQueryServer` puts it behind a `LocalHTTPServer`. Thread-safe: the store sits behind one
/// mutex and each request's changes are applied under it at once, so concurrent connections never see
/// half a request.
public final class FakeBigQuery: Sendable {
    let configuration: FakeBigQueryConfiguration
    let clock: any WallClock
    let authority: TokenAuthority
    let state: Mutex<FakeState>

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - configuration: The flags.
    ///   - verifySignature: Checks an RS256 signature with the service account's public key.
    ///   - clock: Time for token expiry, insertId windows and timestamps.
    public init(
        configuration: FakeBigQueryConfiguration,
        verifySignature: @escaping @Sendable (_ signingInput: [UInt8], _ signature: [UInt8]) -> Bool,
        clock: any WallClock = SystemClock()
    ) {
        self.configuration = configuration
        self.clock = clock
        self.authority = TokenAuthority(clientEmail: configuration.clientEmail, verifySignature: verifySignature)
        let faults = FaultInjector(
            rate: configuration.faultRate,
            kinds: configuration.faultKinds,
            seed: configuration.seed
        )
        self.state = Mutex(FakeState(faults: faults, seed: configuration.seed))
    }

    var project: String { configuration.project }
    var location: String { configuration.location }
    var now: Double { clock.now().timeIntervalSince1970 }
    var nowMs: Int64 { Int64((now * 1000).rounded(.down)) }

    /// Handles one request. Blocks for `--latency-ms` before answering anything but `/_fake/…`.
    ///
    /// - Parameter request: The request.
    /// - Returns: What to send, or to do to the connection.
    public func handle(_ request: FakeRequest) -> FakeResponse {
        let segments = request.pathSegments
        if segments.first == "_fake" { return handleControl(request, segments: Array(segments.dropFirst())) }
        if configuration.latencyMilliseconds > 0 {
            clock.sleep(seconds: Double(configuration.latencyMilliseconds) / 1000)
        }
        if segments == ["token"] {
            count("token")
            return request.method == "POST" ? issueToken(request) : methodNotAllowed(request)
        }
        guard let route = APIRoute(method: request.method, segments: segments) else {
            count("unknown")
            return GoogleError.notFound("URL \(request.method) \(request.path)").response
        }
        count(route.endpoint)
        return handleDataPlane(request, route: route)
    }

    private func handleDataPlane(_ request: FakeRequest, route: APIRoute) -> FakeResponse {
        if !route.isUpload && request.body.count > configuration.maxRequestBytes {
            state.withLock { $0.statistics.payloadTooLarge += 1 }
            return GoogleError.payloadTooLarge
        }
        let isUploadChunk = route.isUpload && request.queryValue("upload_id") != nil
        if !isUploadChunk && !isAuthorized(request) {
            state.withLock { $0.statistics.unauthenticated += 1 }
            return GoogleError.unauthenticated.response(
                extraHeaders: [
                    ("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"")
                ]
            )
        }
        guard route.project == project else { return GoogleError.notFound("Project \(route.project)").response }
        let fault = state.withLock { state -> FaultKind? in
            let fault = state.faults.draw(isInsertAll: route.endpoint == "tabledata.insertAll")
            if let fault { state.statistics.faultsInjected[fault.rawValue, default: 0] += 1 }
            if fault == .payloadTooLarge { state.statistics.payloadTooLarge += 1 }
            return fault
        }
        switch fault {
        case .tooManyRequests: return GoogleError.rateLimited.response(extraHeaders: [("Retry-After", "1")])
        case .backendError: return GoogleError.backendError.response
        case .unavailable: return GoogleError.unavailable.response
        case .reset: return .reset
        case .hang: return .hang(seconds: configuration.hangSeconds)
        case .payloadTooLarge: return GoogleError.payloadTooLarge
        case .quotaExceeded: return GoogleError.quotaExceeded.response
        case .backendErrorAfterCommit:
            _ = dispatch(request, route: route)
            return GoogleError.backendError.response
        case .truncate:
            guard case .respond(let status, let headers, let body) = dispatch(request, route: route) else {
                return .reset
            }
            return .truncated(status: status, headers: headers, body: body)
        case nil:
            return dispatch(request, route: route)
        }
    }

    private func dispatch(_ request: FakeRequest, route: APIRoute) -> FakeResponse {
        switch route.kind {
        case .datasetsInsert: insertDataset(request)
        case .datasetsGet(let datasetId): getDataset(datasetId)
        case .tablesInsert(let datasetId): insertTable(request, datasetId: datasetId)
        case .tablesGet(let key): getTable(key)
        case .tablesPatch(let key): patchTable(request, key: key)
        case .tablesTestIamPermissions(let key): testTablePermissions(request, key: key)
        case .insertAll(let key): insertAll(request, key: key)
        case .jobsInsert: insertJob(request)
        case .jobsGet(let jobId): getJob(jobId, location: request.queryValue("location"))
        case .jobsQuery: query(request)
        case .upload: upload(request)
        }
    }

    func count(_ endpoint: String) {
        state.withLock { $0.statistics.requestsByEndpoint[endpoint, default: 0] += 1 }
    }

    func methodNotAllowed(_ request: FakeRequest) -> FakeResponse {
        GoogleError(
            code: 405,
            message: "Method \(request.method) is not allowed on \(request.path)",
            reason: "badRequest",
            status: "INVALID_ARGUMENT"
        ).response
    }

    /// Parses a JSON request body, or answers 400 `parseError` as Google does for malformed JSON.
    func parseBody(_ request: FakeRequest) -> Result<JSONValue, GoogleError> {
        do {
            let value = try JSONParser.parse(request.body)
            guard case .object = value else { return .failure(.badRequest("Request body must be a JSON object")) }
            return .success(value)
        } catch {
            return .failure(
                GoogleError(
                    code: 400,
                    message: "Invalid JSON payload received. \(error.message) at byte \(error.offset).",
                    reason: "parseError",
                    status: "INVALID_ARGUMENT"
                )
            )
        }
    }
}
