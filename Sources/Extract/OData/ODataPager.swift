import Common

/// The paging decision core of an OData read: feed it each page's outcome, fetch what it says
/// (STYLE.md §19; tested without I/O).
///
/// Rules (syspro.md §1.3, design brief decision 5):
/// 1. The first request carries the window filter, `$orderby` cursor + key and `$top`.
/// 2. A page with `@odata.nextLink` is followed verbatim (server-driven paging), whatever its size.
/// 3. Otherwise, when the rows since the last client-built request reach `$top`, the next request continues
///    after the last row: a keyset filter, or `$skip` by the rows received in `.skip` mode (the last resort:
///    not snapshot-consistent).
/// 4. Fewer rows than `$top` and no nextLink: the read is complete.
///
/// A next request identical to the one just sent (a nextLink pointing at itself, a keyset cursor that did
/// not move) is an error instead of an endless loop.
///
/// This type is a value type; not thread-safe.
struct ODataPager {
    enum Action: Equatable {
        /// GET this URL.
        case fetch(String)
        /// The read is complete.
        case finished
    }

    let builder: ODataRequestBuilder
    let plan: ODataEntityPlan
    let company: String
    let window: ExtractQuery.Window
    let top: Int
    let mode: ODataConfiguration.PagingMode

    private(set) var currentURL = ""
    private var rowsSinceClientRequest = 0
    private var skip = 0
    private var lastCursor: PageCursor?
    private var previousKeysetCursor: PageCursor?
    private(set) var followedNextLinks = 0

    init(
        builder: ODataRequestBuilder,
        plan: ODataEntityPlan,
        company: String,
        window: ExtractQuery.Window,
        top: Int,
        mode: ODataConfiguration.PagingMode
    ) {
        self.builder = builder
        self.plan = plan
        self.company = company
        self.window = window
        self.top = top
        self.mode = mode
    }

    /// The first request.
    mutating func start() -> Action {
        currentURL = builder.pageURL(plan: plan, company: company, window: window, cursor: nil, top: top)
        return .fetch(currentURL)
    }

    /// Records a page and returns the next action.
    ///
    /// - Parameters:
    ///   - rowCount: rows in the page.
    ///   - nextLink: the page's `@odata.nextLink`.
    ///   - lastRow: the cursor of the page's last row (`nil` when the page is empty).
    /// - Throws: `SysproBQError` `.protocolViolation` when paging would not advance.
    mutating func pageReceived(rowCount: Int, nextLink: String?, lastRow: PageCursor?) throws -> Action {
        if let lastRow { lastCursor = lastRow }
        rowsSinceClientRequest += rowCount
        if let nextLink {
            let url = builder.resolveNextLink(nextLink, relativeTo: currentURL)
            guard url != currentURL || rowCount > 0 else {
                throw stuck("the server's @odata.nextLink repeats the request just made and returned no rows")
            }
            followedNextLinks += 1
            currentURL = url
            return .fetch(url)
        }
        guard rowsSinceClientRequest >= top, rowCount > 0 || rowsSinceClientRequest > 0 else { return .finished }
        let received = rowsSinceClientRequest
        rowsSinceClientRequest = 0
        switch mode {
        case .skip:
            skip += received
            currentURL = builder.pageURL(
                plan: plan,
                company: company,
                window: window,
                cursor: nil,
                top: top,
                skip: skip
            )
        case .keyset:
            guard let cursor = lastCursor else { return .finished }
            guard cursor != previousKeysetCursor else {
                throw stuck("keyset paging did not advance past \(cursor.keys.joined(separator: ", "))")
            }
            previousKeysetCursor = cursor
            currentURL = builder.pageURL(plan: plan, company: company, window: window, cursor: cursor, top: top)
        }
        return .fetch(currentURL)
    }

    private func stuck(_ what: String) -> SysproBQError {
        SysproBQError(
            .protocolViolation,
            "OData paging of \(plan.entry.table): \(what)",
            remedy:
                "set allow_skip_paging = true in [syspro] for this service, or report the server's paging behaviour",
            disposition: .terminal
        )
    }
}
