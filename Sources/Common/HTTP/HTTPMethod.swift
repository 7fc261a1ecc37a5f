/// The HTTP request methods syspro-bq sends.
///
/// This type is `Sendable`.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case head = "HEAD"

    /// Whether a request with this method may carry a body. GET and HEAD never do here: servers are free to
    /// ignore such a body, so sending one would hide a caller's mistake.
    public var allowsBody: Bool {
        switch self {
        case .get, .head: return false
        case .post, .put, .patch, .delete: return true
        }
    }
}
