import Foundation

/// Removes secrets from text before it reaches a log line, an error message or a file.
///
/// SYSPRO e.net carries the operator password, the company password and the session id in URL query
/// strings (design brief, decision 8), so every URL is redacted before it is logged or put in an error.
public enum Redaction {
    /// Query parameters whose values are always replaced by `REDACTED`, compared case-insensitively.
    public static let sensitiveParameters: Set<String> = [
        "operatorpassword", "companypassword", "password", "userid", "assertion", "access_token", "token",
        "client_secret", "xmlin", "key",
    ]

    /// Returns `url` with user info and the values of sensitive query parameters replaced by `REDACTED`.
    public static func url(_ url: String) -> String {
        var text = url
        // user:password@host
        if let schemeEnd = text.range(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
            if let at = text[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") {
                text.replaceSubrange(schemeEnd.upperBound..<at, with: "REDACTED")
            }
        }
        guard let question = text.firstIndex(of: "?") else { return text }
        let base = text[..<question]
        let query = text[text.index(after: question)...]
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            guard let equals = part.firstIndex(of: "=") else { return String(part) }
            let name = part[..<equals]
            if sensitiveParameters.contains(name.lowercased()) { return "\(name)=REDACTED" }
            return String(part)
        }
        return base + "?" + parts.joined(separator: "&")
    }

    /// Replaces every occurrence of each secret in `text` by `REDACTED`. Empty secrets are ignored.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: "REDACTED")
        }
        return result
    }
}
