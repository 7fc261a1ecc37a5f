public import Foundation

/// What an HTTP status means for the caller: retry, give up, or ask a human. The one place where statuses
/// are classified (STYLE.md §9); BigQuery- or OData-specific refinements (a `reason` in the body, a 409
/// that means "already done") live in their clients and fall back to this.
public enum HTTPStatusClass {
    /// The disposition of a response with `status`, for statuses that are not a success.
    ///
    /// Sources: RFC 9110 §15; Google Cloud's retry guidance ("Retry strategy": 408, 429 and 5xx are
    /// transient); BigQuery's error table (401/403 are credentials or permissions).
    public static func disposition(forStatus status: Int) -> SysproBQError.Disposition {
        switch status {
        // Request Timeout, Too Many Requests: the server asks to be asked again (honour Retry-After).
        case 408, 429:
            return .retryable
        // Internal Server Error, Bad Gateway, Service Unavailable, Gateway Timeout: transient server or proxy
        // trouble. 500 is retried too: BigQuery and IIS both return it for passing faults.
        case 500, 502, 503, 504:
            return .retryable
        // Unauthorized, Forbidden, Proxy Authentication Required, Network Authentication Required: the
        // credentials or permissions are wrong, and retrying only risks locking the account.
        case 401, 403, 407, 511:
            return .needsHuman
        // Not Implemented, HTTP Version Not Supported: the server will never accept this request.
        case 501, 505:
            return .terminal
        // Other 5xx (507 Insufficient Storage, 520-524 from CDNs and load balancers): server-side and
        // usually passing.
        case 506..<600:
            return .retryable
        // Other 4xx (400, 404, 405, 409, 413, 422, ...): the same request fails the same way again.
        case 400..<500:
            return .terminal
        // 1xx-3xx reaching a caller that expected success, or a status outside HTTP's range: the exchange
        // does not follow the protocol, and repeating it will not change that.
        default:
            return .terminal
        }
    }

    /// The error for a response whose status is not a success, classified by ``disposition(forStatus:)``.
    ///
    /// 401 and 403 get code `.credentials` (a stored credential was refused or lacks a permission); every other
    /// status gets `.remote`. The cause holds the status and the start of the body, with the request's Basic
    /// password scrubbed from it. Clients with a richer error body (BigQuery `reason`, OData `error.code`)
    /// refine this error rather than replace the classification.
    ///
    /// - Parameters:
    ///   - response: the response, body collected.
    ///   - request: the request it answers; only its method and redacted URL reach the message.
    public static func error(for response: HTTPResponse, of request: HTTPRequest) -> SysproBQError {
        let disposition = disposition(forStatus: response.status)
        var excerpt = response.bodyExcerpt()
        if let credentials = request.basicAuth {
            excerpt = Redaction.scrub(excerpt, secrets: [credentials.password])
        }
        let refused = response.status == 401 || response.status == 403
        let remedy: String? =
            switch response.status {
            case 401: "Check the stored credentials for this service; they were refused."
            case 403: "Check that the account has permission for this operation."
            case 407: "Check the proxy credentials."
            default: nil
            }
        return SysproBQError(
            refused ? .credentials : .remote,
            "\(request) answered HTTP \(response.status)",
            remedy: remedy,
            cause: .http(status: response.status, bodyExcerpt: excerpt),
            disposition: disposition
        )
    }

    /// The wait a response asks for in `Retry-After` (RFC 9110 §10.2.3), in seconds, or nil if it asks for
    /// none or the value cannot be read.
    ///
    /// Both forms are read: delta-seconds (`120`) and an HTTP-date (`Fri, 27 Nov 2026 15:00:00 GMT`, plus the
    /// obsolete RFC 850 and asctime forms). A date in the past gives 0.
    ///
    /// - Parameters:
    ///   - head: the response head.
    ///   - now: the current time, for the HTTP-date form.
    public static func retryAfterSeconds(_ head: HTTPResponseHead, now: Date = Date()) -> Double? {
        guard let raw = head.headers.value(for: "Retry-After") else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        if !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Absurdly long digit strings overflow Int; they still mean "a very long time".
            return Double(value)
        }
        guard let date = httpDate(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// The three HTTP-date forms of RFC 9110 §5.6.7, preferred one first.
    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        "EEE MMM d HH:mm:ss yyyy",  // obsolete asctime: Sun Nov  6 08:49:37 1994
    ]

    private static func httpDate(_ text: String) -> Date? {
        // asctime pads single-digit days with a space; collapse runs of spaces so one pattern fits.
        let normalized = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in httpDateFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
