public import Common

/// A BigQuery (or Google OAuth) error answer, read from the standard error body
/// `{"error":{"code":409,"message":"…","errors":[{"reason":"duplicate",…}],"status":"ALREADY_EXISTS"}}`.
///
/// This type is a value type and is `Sendable`.
public struct BigQueryErrorBody: Sendable, Hashable {
    /// The HTTP status.
    public let status: Int
    /// The first `errors[].reason` (`duplicate`, `notFound`, `rateLimitExceeded`, …), or `nil`.
    public let reason: String?
    /// `error.message`, or the start of the body when it is not the standard shape.
    public let message: String
    /// A short excerpt of the raw body, for error causes.
    public let excerpt: String

    public init(status: Int, reason: String?, message: String, excerpt: String) {
        self.status = status
        self.reason = reason
        self.message = message
        self.excerpt = excerpt
    }

    /// Reads the error body; tolerates bodies that are not JSON (proxies answer with HTML).
    public init(status: Int, body: [UInt8]) {
        let document = JSONDocument.lenient(body)
        let error = document["error"]
        self.status = status
        self.reason = error["errors"][0]["reason"].string ?? error["status"].string.flatMap(Self.reasonForStatus)
        self.message = error["message"].string ?? Load.excerpt(body, limit: 200)
        self.excerpt = Load.excerpt(body)
    }

    /// Maps the gRPC-style `status` to the classic reason when `errors[]` is missing.
    private static func reasonForStatus(_ status: String) -> String? {
        switch status {
        case "ALREADY_EXISTS": return "duplicate"
        case "NOT_FOUND": return "notFound"
        case "RESOURCE_EXHAUSTED": return "rateLimitExceeded"
        default: return nil
        }
    }
}

/// What to do about a failed BigQuery call.
public enum BigQueryFailureAction: String, Sendable, Hashable {
    /// Retry with exponential backoff (same insertIds, same job id).
    case retry
    /// Retry after a long wait (`quotaExceeded`: "wait 10 minutes or longer").
    case retryAfterLongWait
    /// The access token was refused: refresh it once and retry.
    case refreshToken
    /// The request was too large: split the batch.
    case splitBatch
    /// The resource already exists (`duplicate`): for tables and datasets, success; for a job, read its outcome.
    case alreadyExists
    /// The table or dataset is missing.
    case notFound
    /// The request itself is wrong; repeating it fails the same way.
    case terminal
    /// Permissions, billing or credentials: a person must act.
    case needsHuman
}

/// Classifies BigQuery failures by the action they need, in one place (STYLE.md §9).
public enum BigQueryErrorClassifier {
    /// The action for an HTTP status and BigQuery `reason`.
    ///
    /// Sources: https://cloud.google.com/bigquery/docs/error-messages, the troubleshooting-quotas page, and
    /// google-cloud-bigquery `retry.py` (`_RETRYABLE_REASONS`).
    public static func action(status: Int, reason: String?) -> BigQueryFailureAction {
        // The reason is more precise than the status, so it decides first.
        switch reason {
        case "rateLimitExceeded", "backendError", "internalError", "badGateway", "jobBackendError",
            "jobInternalError", "jobRateLimitExceeded":
            // Short-term limits and transient server faults: "retry … Use exponential backoff".
            return .retry
        case "quotaExceeded":
            // A longer-term quota: "wait 10 minutes or longer before trying the operation again".
            return .retryAfterLongWait
        case "duplicate":
            return .alreadyExists
        case "accessDenied", "billingNotEnabled", "billingTierLimitExceeded":
            return .needsHuman
        default:
            break
        }
        switch status {
        case 401:
            // The token expired or was revoked: refresh once, then retry.
            return .refreshToken
        case 403:
            // Any other 403 is a permission problem.
            return .needsHuman
        case 404:
            return .notFound
        case 408, 429:
            // Request timeout and "too many requests" are transient (google-auth and api-core retry both).
            return .retry
        case 409:
            return .alreadyExists
        case 413:
            // Over the 10 MB request limit: the front end refuses it; smaller batches go through.
            return .splitBatch
        case 500...599:
            // 500 internalError, 502 badGateway, 503 backendError, 504: transient.
            return .retry
        default:
            // 400 invalid / invalidQuery / badRequest and anything unexpected: repeating will not help.
            return .terminal
        }
    }

    /// The `SysproBQError` for a failed call, naming what was being done.
    /// - Parameters:
    ///   - body: the parsed error answer.
    ///   - operation: what was attempted, e.g. "insertAll into ds.ApInvoice".
    public static func error(_ body: BigQueryErrorBody, operation: String) -> SysproBQError {
        let action = action(status: body.status, reason: body.reason)
        let reasonText = body.reason.map { " (\($0))" } ?? ""
        let message = "\(operation): BigQuery answered HTTP \(body.status)\(reasonText): \(body.message)"
        let cause = SysproBQError.Cause.http(status: body.status, bodyExcerpt: body.excerpt)
        switch action {
        case .retry, .retryAfterLongWait, .refreshToken:
            return SysproBQError(
                .remote,
                message,
                remedy: "transient: nothing was lost and the next run resumes where this one stopped; if it persists, "
                    + "check https://status.cloud.google.com and the project's quotas",
                cause: cause,
                disposition: .retryable
            )
        case .needsHuman:
            return SysproBQError(
                .credentials,
                message,
                remedy: "grant the service account BigQuery Data Editor and Job User on the project/dataset, "
                    + "and check that billing is enabled",
                cause: cause,
                disposition: .needsHuman
            )
        case .notFound:
            return SysproBQError(
                .remote,
                message,
                remedy: "table or dataset missing: run load again to create it, or check projectID/datasetID",
                cause: cause,
                disposition: .terminal
            )
        case .splitBatch:
            return SysproBQError(
                .invalidData,
                message,
                remedy: "lower maxBytesPerRequest",
                cause: cause,
                disposition: .terminal
            )
        case .alreadyExists, .terminal:
            return SysproBQError(
                .remote,
                message,
                remedy: "the request was refused as invalid; check the table schema against the staged rows",
                cause: cause,
                disposition: .terminal
            )
        }
    }
}
