/// What one read of one table should return: the company, the (resolved) catalog entry and the change window.
///
/// This type is a value type and is `Sendable`.
public struct ExtractQuery: Sendable, Hashable {
    /// The change window, matching the strategy the source resolved for the entry.
    public enum Window: Sendable, Hashable {
        /// Rows whose rowversion is greater than `after` (staged `0x…` form); `nil` reads every row.
        case rowVersion(after: String?)
        /// Rows whose business date lies in `from…through` (`YYYY-MM-DD`, both inclusive; `nil`: no upper bound).
        /// Rows with no business date are not in any window: the periodic snapshot reconcile covers them.
        case businessDate(from: String, through: String?)
        /// Every row.
        case snapshot
    }

    /// The SYSPRO company id (`A`, `40`).
    public var company: String
    /// The entry as the source resolved it (``SourceReader/resolve(_:company:)``).
    public var entry: CatalogEntry
    public var window: Window
    /// Rows per request; `nil` uses the source's configured page size.
    public var pageSize: Int?

    public init(company: String, entry: CatalogEntry, window: Window, pageSize: Int? = nil) {
        self.company = company
        self.entry = entry
        self.window = window
        self.pageSize = pageSize
    }
}

/// Where the last row of a page stands in the read's order: what keyset paging continues after.
struct PageCursor: Sendable, Hashable {
    /// The staged `0x…` rowversion (rowversion windows).
    var rowVersion: String?
    /// The business date exactly as the server sent it (business-date windows).
    var dateAsSent: String?
    /// The key values.
    var keys: [String]
}
