/// A SYSPRO source the Stage runner drives: OData (``ODataSource``) or e.net (``ENetSource``).
///
/// The runner first resolves each catalog entry against the server (which strategy it supports, whether the
/// rows carry a rowversion), takes the stream schema from the resolved entry, then reads windows of it.
/// Conformers are not thread-safe: use one source per thread. Requests to one server are limited across the
/// whole process (``ServerPermits``).
public protocol SourceReader: AnyObject {
    /// Fits `entry` to what the server offers for `company`.
    ///
    /// - Throws: `SysproBQError`: `.configuration` when the server lacks the table or a column, the HTTP and
    ///   credential errors of the client otherwise.
    func resolve(_ entry: CatalogEntry, company: String) throws -> ResolvedEntry

    /// Reads every row of `query`, page by page, calling `onPage` once per page in read order.
    ///
    /// A page is delivered only when it was received completely and every row in it was valid; a request
    /// that fails is retried under the source's retry policy, so no row is ever delivered twice within a read
    /// and none is skipped.
    ///
    /// - Returns: counts of pages, rows, requests, retries and faults by kind.
    /// - Throws: `SysproBQError` when a request fails for good, a row is invalid, or `onPage` throws.
    func read(_ query: ExtractQuery, onPage: ([SourceRow], PageInfo) throws -> Void) throws -> ReadSummary
}

/// A catalog entry as one server supports it.
///
/// This type is a value type and is `Sendable`.
public struct ResolvedEntry: Sendable, Hashable {
    /// The entry to read and stage: without the row version when the server does not expose it.
    public var entry: CatalogEntry
    /// The strategy the Stage runner should build windows for.
    public var strategy: ChangeStrategy
    /// Why the entry or the strategy differ from the catalog's, for the log and the run summary.
    public var notes: [String]

    public init(entry: CatalogEntry, strategy: ChangeStrategy, notes: [String]) {
        self.entry = entry
        self.strategy = strategy
        self.notes = notes
    }
}

/// What the runner learns with each page.
///
/// This type is a value type and is `Sendable`.
public struct PageInfo: Sendable, Hashable {
    /// 0-based page number within the read.
    public var index: Int
    public var rowCount: Int
    /// Response bytes of the page (as received, before decoding).
    public var byteCount: Int
    /// The highest rowversion in the page (staged `0x…` form), when rows carry one.
    public var maxRowVersion: String?
    /// The latest business date in the page.
    public var maxBusinessDate: String?
    /// The key of the page's last row.
    public var lastKey: [String]?
    /// Whether this is the read's last page.
    public var isLast: Bool
    /// Retries spent getting this page.
    public var retries: Int

    public init(
        index: Int,
        rowCount: Int,
        byteCount: Int,
        maxRowVersion: String?,
        maxBusinessDate: String?,
        lastKey: [String]?,
        isLast: Bool,
        retries: Int
    ) {
        self.index = index
        self.rowCount = rowCount
        self.byteCount = byteCount
        self.maxRowVersion = maxRowVersion
        self.maxBusinessDate = maxBusinessDate
        self.lastKey = lastKey
        self.isLast = isLast
        self.retries = retries
    }
}

/// The counts of one read, for the run summary (which must count retries).
///
/// This type is a value type and is `Sendable`.
public struct ReadSummary: Sendable, Hashable {
    public var strategy: ChangeStrategy
    public var pages = 0
    public var rows = 0
    public var bytes = 0
    /// HTTP requests sent, retries and session calls included.
    public var requests = 0
    /// Requests repeated after a retryable failure.
    public var retries = 0
    /// Failures seen, by kind (`transport`, `http 503`, `protocolViolation`, `sessionExpired`, `logoff`…),
    /// whether or not a retry then succeeded.
    public var faults: [String: Int] = [:]
    /// `@odata.nextLink`s followed.
    public var nextLinksFollowed = 0
    /// The highest rowversion read.
    public var maxRowVersion: String?
    /// The latest business date read.
    public var maxBusinessDate: String?

    public init(strategy: ChangeStrategy) {
        self.strategy = strategy
    }

    mutating func recordFault(_ kind: String) { faults[kind, default: 0] += 1 }
}

/// Staged rowversions and dates compare correctly as text: fixed width, upper-case hex / ISO dates.
func maxText(_ current: String?, _ candidate: String?) -> String? {
    guard let candidate else { return current }
    guard let current else { return candidate }
    return candidate > current ? candidate : current
}
