/// A failure the fake can inject into a data-plane call instead of (or after) serving it.
public enum FaultKind: String, Sendable, Hashable, CaseIterable {
    /// 429 `rateLimitExceeded` with `Retry-After: 1`.
    case tooManyRequests = "429"
    /// 500 `backendError`, before the request is processed.
    case backendError = "500"
    /// 503 `backendError` (`UNAVAILABLE`).
    case unavailable = "503"
    /// The connection is closed without a response.
    case reset
    /// The connection is held open without a response, then closed.
    case hang
    /// 413 from the front end; only injected into insertAll.
    case payloadTooLarge = "413"
    /// 403 `quotaExceeded`; opt-in, never in the default set.
    case quotaExceeded = "quota"
    /// The request is processed and committed, then answered with 500 `backendError` (the ambiguous
    /// "did my insert happen?" case); opt-in.
    case backendErrorAfterCommit = "500-after-commit"
    /// The request is processed and committed, then its response is cut: the full `Content-Length` is declared,
    /// half the body is sent and the connection closed (a client sees a short body, curl error 18); opt-in.
    case truncate

    /// The kinds injected when none are named.
    public static let defaultKinds: [FaultKind] = [
        .tooManyRequests, .backendError, .unavailable, .reset, .payloadTooLarge,
    ]

    /// Parses a comma-separated list such as `429,500,503,reset,413`; `403` is accepted for `quota`.
    public static func parseList(_ text: String) -> Result<[FaultKind], FaultListError> {
        var kinds: [FaultKind] = []
        for item in text.split(separator: ",") {
            let name = item.trimmingSpaces
            if name.isEmpty { continue }
            guard let kind = FaultKind(rawValue: name) ?? (name == "403" ? .quotaExceeded : nil) else {
                return .failure(FaultListError(unknown: name))
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return .success(kinds)
    }
}

/// A fault list named a kind the fake does not know.
public struct FaultListError: Error, Sendable, CustomStringConvertible {
    public let unknown: String

    public var description: String {
        "unknown fault kind '\(unknown)'; known: \(FaultKind.allCases.map(\.rawValue).joined(separator: ","))"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
