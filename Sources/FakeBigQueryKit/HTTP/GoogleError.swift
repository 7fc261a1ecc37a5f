/// Google's JSON error envelope, as BigQuery REST v2 sends it.
///
/// Shape: `{"error":{"code":N,"message":M,"errors":[{"message":M,"domain":D,"reason":R}],"status":S}}`
/// (https://cloud.google.com/bigquery/docs/error-messages). Clients should key on `code` and `reason`.
struct GoogleError: Error, Sendable {
    let code: Int
    let message: String
    let reason: String
    let status: String
    var domain = "global"
    var location: String?
    var locationType: String?

    var response: FakeResponse { response(extraHeaders: []) }

    func response(extraHeaders: [(name: String, value: String)]) -> FakeResponse {
        let item = JSONValue.object([
            ("message", .string(message)),
            ("domain", .string(domain)),
            ("reason", .string(reason)),
            ("location", location.map { .string($0) }),
            ("locationType", locationType.map { .string($0) }),
        ])
        let body = JSONValue.object([
            (
                "error",
                .object([
                    ("code", .number(String(code))),
                    ("message", .string(message)),
                    ("errors", .array([item])),
                    ("status", .string(status)),
                ])
            )
        ])
        return .json(code, body, headers: extraHeaders)
    }

    static func invalid(_ message: String) -> GoogleError {
        GoogleError(code: 400, message: message, reason: "invalid", status: "INVALID_ARGUMENT")
    }

    static func invalidQuery(_ message: String) -> GoogleError {
        GoogleError(
            code: 400,
            message: message,
            reason: "invalidQuery",
            status: "INVALID_ARGUMENT",
            location: "query",
            locationType: "parameter"
        )
    }

    static func badRequest(_ message: String) -> GoogleError {
        GoogleError(code: 400, message: message, reason: "badRequest", status: "INVALID_ARGUMENT")
    }

    static func notFound(_ what: String) -> GoogleError {
        GoogleError(code: 404, message: "Not found: \(what)", reason: "notFound", status: "NOT_FOUND")
    }

    static func duplicate(_ what: String) -> GoogleError {
        GoogleError(code: 409, message: "Already Exists: \(what)", reason: "duplicate", status: "ALREADY_EXISTS")
    }

    /// The 401 Google sends for a missing, unknown or expired access token.
    static let unauthenticated = GoogleError(
        code: 401,
        message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
            + "other valid authentication credential. "
            + "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        reason: "authError",
        status: "UNAUTHENTICATED",
        location: "Authorization",
        locationType: "header"
    )

    static let rateLimited = GoogleError(
        code: 429,
        message: "Exceeded rate limits: too many api requests per user per method for this user_method. "
            + "For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas",
        reason: "rateLimitExceeded",
        status: "RESOURCE_EXHAUSTED",
        domain: "usageLimits"
    )

    static let backendError = GoogleError(
        code: 500,
        message: "An internal error occurred and the request could not be completed. This is usually caused by a "
            + "transient issue. Retrying the job with back-off as described in the BigQuery SLA should solve the "
            + "problem: https://cloud.google.com/bigquery/sla.",
        reason: "backendError",
        status: "INTERNAL"
    )

    static let unavailable = GoogleError(
        code: 503,
        message: "The service is currently unavailable.",
        reason: "backendError",
        status: "UNAVAILABLE"
    )

    static let quotaExceeded = GoogleError(
        code: 403,
        message: "Quota exceeded: Your project exceeded quota for streaming insert bytes. For more information, "
            + "see https://cloud.google.com/bigquery/docs/troubleshoot-quotas",
        reason: "quotaExceeded",
        status: "PERMISSION_DENIED",
        domain: "usageLimits"
    )

    /// Google's front end answers an oversized request with an HTML page, not the JSON envelope.
    static let payloadTooLarge = FakeResponse.text(
        413,
        "<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 413 (Request Entity Too Large)!!1</title>\n"
            + "<p><b>413.</b> <ins>That\u{2019}s an error.</ins>\n<p>Your client issued a request that was too large.\n"
            + "<ins>That\u{2019}s all we know.</ins>\n",
        contentType: "text/html; charset=UTF-8"
    )
}
