import Common
import Foundation

/// Reads the token endpoint's answer: an ``AccessToken``, or an error classified as google-auth does.
///
/// Success: `{"access_token":"ya29…","expires_in":3599,"token_type":"Bearer"}`; `expires_in` may be a number or a
/// string (google-auth `_parse_expiry`). Failure: `{"error":"invalid_grant","error_description":"…"}`.
enum TokenResponse {
    /// The lifetime assumed when the endpoint sends no `expires_in`.
    static let defaultLifetime: Double = 3600

    /// Parses a token endpoint answer.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - body: the body bytes.
    ///   - now: when the request was sent (the lifetime counts from there).
    ///   - endpoint: the token URL, for messages.
    static func parse(status: Int, body: [UInt8], now: Date, endpoint: String) throws(SysproBQError) -> AccessToken {
        guard status == 200 else { throw error(status: status, body: body, endpoint: endpoint) }
        let document = JSONDocument.lenient(body)
        guard let token = document["access_token"].string, !token.isEmpty else {
            // Never quote a success body: it may hold a token under another name.
            throw SysproBQError(
                .protocolViolation,
                "token endpoint \(Redaction.url(endpoint)) answered 200 without an access_token",
                cause: .other("fields: \(document.keys.sorted().joined(separator: ","))"),
                disposition: .retryable
            )
        }
        let lifetime = document["expires_in"].int.map(Double.init) ?? defaultLifetime
        return AccessToken(value: token, expiresAt: now.addingTimeInterval(lifetime))
    }

    /// The error for a failed token call.
    ///
    /// Retryable exactly when google-auth retries (`google/oauth2/_client.py` `_can_retry`): HTTP 500, 503, 504,
    /// 408 or 429, or an `error`/`error_description` of `internal_failure`, `server_error` or
    /// `temporarily_unavailable`. Everything else needs a person.
    static func error(status: Int, body: [UInt8], endpoint: String) -> SysproBQError {
        let document = JSONDocument.lenient(body)
        let code = document["error"].string ?? ""
        let description = document["error_description"].string ?? ""
        let cause = SysproBQError.Cause.http(status: status, bodyExcerpt: excerpt(body))
        let where_ = "token endpoint \(Redaction.url(endpoint))"
        let transientCodes: Set<String> = ["internal_failure", "server_error", "temporarily_unavailable"]
        if [500, 503, 504, 408, 429].contains(status) || transientCodes.contains(code)
            || transientCodes.contains(description)
        {
            return SysproBQError(
                .remote,
                "\(where_) failed temporarily (HTTP \(status))",
                cause: cause,
                disposition: .retryable
            )
        }
        let detail = description.isEmpty ? code : "\(code): \(description)"
        return SysproBQError(
            .credentials,
            "\(where_) refused the service-account assertion (HTTP \(status)) \(detail)",
            remedy: remedy(code: code, description: description),
            cause: cause,
            disposition: .needsHuman
        )
    }

    /// What is likely wrong, from Google's `invalid_grant` descriptions
    /// (https://developers.google.com/identity/protocols/oauth2/service-account, error table).
    static func remedy(code: String, description: String) -> String {
        let text = description.lowercased()
        switch code {
        case "invalid_grant" where text.contains("signature"):
            return "the key was deleted or does not belong to this service account: create a new key in IAM and "
                + "store it again"
        case "invalid_grant"
        where text.contains("iat") || text.contains("exp") || text.contains("timeframe")
            || text.contains("short-lived"):
            return "the assertion's time is off: check the machine clock (NTP); it must be within a few minutes "
                + "of real time"
        case "invalid_grant" where text.contains("email") || text.contains("user id"):
            return "the key's client_email is not a valid service account (deleted or mistyped): check the key file"
        case "invalid_grant":
            return "check the machine clock (NTP) and that the key still exists in IAM; store a fresh key if needed"
        case "invalid_scope", "unauthorized_client":
            return "the account may not request scope https://www.googleapis.com/auth/bigquery; check the scope"
        case "disabled_client", "access_denied", "admin_policy_enforced", "org_internal":
            return "the service account is disabled or blocked by policy: ask the Google Cloud administrator"
        default:
            return "check the key file and the tokenURI setting"
        }
    }
}
