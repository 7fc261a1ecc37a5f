public import Common
public import Logging

/// Reads SYSPRO tables through the OData service: resolves catalog entries against `$metadata`, pages
/// through windows with keyset filters (or nextLinks), and turns rows into staged ``SourceRow`` values.
///
/// A page reaches `onPage` only when its whole body arrived and parsed; a failed request is retried under
/// `configuration.retryPolicy` (Retry-After honoured) and its partial rows are discarded, so each row of a
/// read is delivered exactly once. Keys that repeat in key order (a catalog key that is not the real key)
/// stop the read rather than let keyset paging skip rows.
///
/// This class is not thread-safe: use one source per thread. Requests to one server are limited across the
/// process to `configuration.maximumConcurrentRequests`.
public final class ODataSource: SourceReader {
    public let configuration: ODataConfiguration
    private let client: ODataClient
    private let retry: ExtractRetryPolicy
    private let logger: Logger
    private var metadataByCompany: [String: ODataMetadata?] = [:]
    private var plans: [PlanKey: ODataEntityPlan] = [:]

    private struct PlanKey: Hashable {
        var company: String
        var entry: CatalogEntry
    }

    /// - Parameters:
    ///   - transport: `CurlHTTPClient` (built with ``httpClientConfiguration``) or a test double.
    ///   - random: the jitter source for backoff, in [0, 1).
    /// - Throws: `SysproBQError` `.configuration` when the configuration is invalid.
    public init(
        configuration: ODataConfiguration,
        transport: any HTTPTransport,
        logger: Logger,
        clock: any WallClock = SystemClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        client = ODataClient(configuration: configuration, transport: transport, logger: logger)
        retry = ExtractRetryPolicy(policy: configuration.retryPolicy, clock: clock, random: random, logger: logger)
    }

    /// The libcurl settings this configuration implies (CA bundle, timeouts).
    public var httpClientConfiguration: HTTPClientConfiguration {
        HTTPClientConfiguration(
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout,
            caBundlePath: configuration.caBundlePath
        )
    }

    // MARK: Resolve

    public func resolve(_ entry: CatalogEntry, company: String) throws -> ResolvedEntry {
        try entry.validate()
        let metadata = try metadata(company: company)
        var filterable: Bool?
        if configuration.rowVersionAvailability == .auto, entry.changeStrategies.contains(.rowVersion) {
            let preliminary = try ODataEntityPlan.make(
                entry: entry,
                metadata: metadata,
                configuration: configuration,
                rowVersionFilterable: nil
            )
            if let column = preliminary.entry.rowVersionColumn {
                filterable = try probeRowVersionFilter(plan: preliminary, company: company, column: column)
            }
        }
        let plan = try ODataEntityPlan.make(
            entry: entry,
            metadata: metadata,
            configuration: configuration,
            rowVersionFilterable: filterable
        )
        plans[PlanKey(company: company, entry: entry)] = plan
        plans[PlanKey(company: company, entry: plan.entry)] = plan
        if plan.strategy != entry.changeStrategies.first || !plan.notes.isEmpty {
            logger.notice(
                "Change strategy resolved with fallback",
                metadata: [
                    "odata.entity": "\(entry.table)", "odata.company": "\(company)",
                    "strategy.preferred": "\(entry.changeStrategies.first?.description ?? "-")",
                    "strategy.used": "\(plan.strategy)", "notes": "\(plan.notes.joined(separator: "; "))",
                ]
            )
        }
        return ResolvedEntry(entry: plan.entry, strategy: plan.strategy, notes: plan.notes)
    }

    /// Pings the service for `company` with the stored credentials (the `check` command).
    ///
    /// - Returns: a one-line description of what answered.
    public func check(company: String) throws -> String {
        metadataByCompany[company] = nil
        if let metadata = try metadata(company: company) {
            return "OData service \(Redaction.url(client.builder.metadataURL(company: company))) answered: "
                + "\(metadata.entitySets.count) entity sets"
        }
        return "OData service \(Redaction.url(configuration.serviceRoot)) reached (no $metadata)"
    }

    private func metadata(company: String) throws -> ODataMetadata? {
        guard configuration.useMetadata else { return nil }
        if let cached = metadataByCompany[company] { return cached }
        var summary = ReadSummary(strategy: .snapshot)
        var retries = 0
        let request = client.builder.metadataRequest(company: company)
        let metadata: ODataMetadata?
        do {
            // Parsed inside the retry: a cut or garbled document (malformed XML, retryable) is fetched again.
            metadata = try retry.run(request.description, summary: &summary, retries: &retries) {
                try ODataMetadata.parse(try client.fetchWhole(request, target: .service, company: company))
            }
        } catch let error as SysproBQError where error.cause.map(Self.isNotFound) == true {
            // No $metadata at this address: go on with the configured assumptions; a wrong root fails on the
            // first page with its own 404.
            logger.warning(
                "OData metadata not found; using configured literal forms",
                metadata: ["odata.company": "\(company)", "url": "\(Redaction.url(request.url))"]
            )
            metadata = nil
        }
        metadataByCompany[company] = .some(metadata)
        return metadata
    }

    private static func isNotFound(_ cause: SysproBQError.Cause) -> Bool {
        if case .http(404, _) = cause { return true }
        return false
    }

    /// Whether `TimeStamp gt binary'…'` is accepted: a 400 means no.
    private func probeRowVersionFilter(plan: ODataEntityPlan, company: String, column: String) throws -> Bool {
        let url = client.builder.rowVersionProbeURL(plan: plan, company: company, column: column)
        var summary = ReadSummary(strategy: .rowVersion)
        var retries = 0
        do {
            try retry.run(Redaction.url(url), summary: &summary, retries: &retries) {
                var scanner = ODataPageScanner(entity: plan.entry.table, columns: [column])
                _ = try client.fetchPage(url: url, table: plan.entry.table, company: company, scanner: &scanner) { _ in
                }
            }
            return true
        } catch let error as SysproBQError where error.cause == nil ? false : Self.isBadRequest(error.cause!) {
            return false
        }
    }

    private static func isBadRequest(_ cause: SysproBQError.Cause) -> Bool {
        if case .http(400, _) = cause { return true }
        return false
    }

    private func plan(for query: ExtractQuery) throws -> ODataEntityPlan {
        if let plan = plans[PlanKey(company: query.company, entry: query.entry)] { return plan }
        let plan = try ODataEntityPlan.make(
            entry: query.entry,
            metadata: try metadata(company: query.company),
            configuration: configuration,
            rowVersionFilterable: nil
        )
        plans[PlanKey(company: query.company, entry: query.entry)] = plan
        return plan
    }

    // MARK: Read

    /// Reads `query` in two stages on two threads: a fetch thread requests each page, scans it into a
    /// ``RawPage`` and works out the next request from the page's last row, while this thread builds the rows of
    /// the page before, checks their order and calls `onPage`. Building is most of a page's work, so the next
    /// request goes out while this page is built instead of after (the server prepares a page in the meantime).
    /// Only the fetch thread uses the transport; at most two raw pages exist (one being built, one being fetched).
    public func read(_ query: ExtractQuery, onPage: ([SourceRow], PageInfo) throws -> Void) throws -> ReadSummary {
        let plan = try plan(for: query)
        let table = plan.entry.table
        let strategy = try strategy(of: query.window, plan: plan)
        var builder = SourceRowBuilder(entry: plan.entry)
        var dateIndex: Int?
        if case .businessDate = query.window { dateIndex = plan.businessDateCursorColumn.flatMap(builder.columnIndex) }
        logger.debug(
            "Reading OData entity",
            metadata: ["odata.entity": "\(table)", "odata.company": "\(query.company)", "strategy": "\(strategy)"]
        )
        let handoff = Handoff<FetchedPage, RawPage, ReadSummary>(limit: 1)
        let fetch = UncheckedFetch(source: self, plan: plan, query: query, strategy: strategy, dateIndex: dateIndex)
        handoff.startProducer(named: "odata-fetch") { try fetch.run(into: handoff) }

        var summary = ReadSummary(strategy: strategy)
        var previous: PageCursor?
        var index = 0
        var raw = RawRow(columnCount: plan.entry.columns.count)
        do {
            while let fetched = handoff.take() {
                var page = Page(previous: previous)
                page.rows.reserveCapacity(fetched.rows.rowCount)
                for position in 0..<fetched.rows.rowCount {
                    raw.load(position, from: fetched.rows)
                    let row = try builder.build(raw)
                    try page.accept(
                        row,
                        dateAsSent: Self.dateAsSent(raw, dateIndex),
                        window: query.window,
                        table: table,
                        entry: plan.entry
                    )
                }
                let (bytes, isLast, retries) = (fetched.bytes, fetched.isLast, fetched.retries)
                // Let go of the page's storage before handing it back, so the fetch thread reuses it uncopied.
                raw.reset()
                handoff.giveBack((consume fetched).rows)
                previous = page.last ?? previous
                summary.pages += 1
                summary.rows += page.rows.count
                summary.maxRowVersion = maxText(summary.maxRowVersion, page.maxRowVersion)
                summary.maxBusinessDate = maxText(summary.maxBusinessDate, page.maxBusinessDate)
                try onPage(page.rows, page.info(index: index, byteCount: bytes, isLast: isLast, retries: retries))
                index += 1
            }
        } catch {
            handoff.stop()
            _ = handoff.waitUntilFinished()  // the fetch thread lets go of the source before this read returns
            throw error
        }
        let fetched = try handoff.waitUntilFinished().get()
        summary.bytes = fetched.bytes
        summary.requests = fetched.requests
        summary.retries = fetched.retries
        summary.faults = fetched.faults
        summary.nextLinksFollowed = fetched.nextLinksFollowed
        return summary
    }

    /// The business date of `raw` exactly as sent (business-date windows): the next filter must compare equal to
    /// the stored value.
    private static func dateAsSent(_ raw: RawRow, _ dateIndex: Int?) -> String? {
        guard let dateIndex, raw.kinds[dateIndex] == .string else { return nil }
        return raw.text(dateIndex)
    }

    /// Fetches every page of a read into the hand-off (the fetch thread of ``read(_:onPage:)``).
    ///
    /// - Returns: the read's transfer counts: bytes, requests, retries, faults, nextLinks followed.
    fileprivate func fetchPages(
        plan: ODataEntityPlan,
        query: ExtractQuery,
        strategy: ChangeStrategy,
        dateIndex: Int?,
        into handoff: Handoff<FetchedPage, RawPage, ReadSummary>
    ) throws -> ReadSummary {
        let table = plan.entry.table
        var summary = ReadSummary(strategy: strategy)
        let top = min(query.pageSize ?? configuration.pageSize, ODataConfiguration.maximumPageSize)
        var pager = ODataPager(
            builder: client.builder,
            plan: plan,
            company: query.company,
            window: query.window,
            top: top,
            mode: configuration.pagingMode
        )
        // The last row of each page is built here too, for the next request's keyset cursor.
        var builder = SourceRowBuilder(entry: plan.entry)
        let columns = plan.entry.columns.map(\.name)
        var spare: [RawPage] = []
        let gather = ScratchBytes()
        var lastRaw = RawRow(columnCount: columns.count)
        var previous: PageCursor?
        var action = pager.start()
        while case .fetch(let url) = action {
            var pageRetries = 0
            var rows = spare.popLast() ?? RawPage(columnCount: columns.count, rowCapacity: top)
            var nextLink: String?
            let bytes = try retry.run(Redaction.url(url), summary: &summary, retries: &pageRetries) {
                rows.removeAll()
                var scanner = ODataPageScanner(entity: table, columns: columns)
                let bytes = try client.fetchPage(url: url, table: table, company: query.company, scanner: &scanner) {
                    rows.append($0, gatheringIn: gather)
                }
                nextLink = scanner.nextLink
                return bytes
            }
            var last = previous
            if rows.rowCount > 0 {
                lastRaw.load(rows.rowCount - 1, from: rows)
                let row = try builder.build(lastRaw)
                let dateAsSent = Self.dateAsSent(lastRaw, dateIndex)
                lastRaw.reset()
                last = PageCursor(rowVersion: row.rowVersion, dateAsSent: dateAsSent, keys: row.keyValues)
            }
            action = try pager.pageReceived(rowCount: rows.rowCount, nextLink: nextLink, lastRow: last)
            previous = last
            summary.bytes += bytes
            let page = FetchedPage(rows: rows, bytes: bytes, isLast: action == .finished, retries: pageRetries)
            spare += try handoff.put(page)
        }
        summary.nextLinksFollowed = pager.followedNextLinks
        return summary
    }

    private func strategy(of window: ExtractQuery.Window, plan: ODataEntityPlan) throws -> ChangeStrategy {
        switch window {
        case .rowVersion:
            guard plan.entry.rowVersionColumn != nil, plan.entry.changeStrategies.contains(.rowVersion) else {
                throw SysproBQError(
                    .configuration,
                    "OData: a rowversion window was asked for \(plan.entry.table), but the service does not offer a "
                        + "filterable TimeStamp (\(plan.notes.joined(separator: "; ")))",
                    remedy: "read with the strategy resolve() returned (\(plan.strategy))",
                    disposition: .terminal
                )
            }
            return .rowVersion
        case .businessDate:
            guard let column = plan.businessDateCursorColumn else {
                throw SysproBQError(
                    .configuration,
                    "OData: a business-date window was asked for \(plan.entry.table), which has no business-date column",
                    disposition: .terminal
                )
            }
            let days = plan.entry.changeStrategies.compactMap { strategy -> Int? in
                if case .businessDate(_, let days) = strategy { return days }
                return nil
            }.first
            return .businessDate(column: column, lookBackDays: days ?? 0)
        case .snapshot:
            return .snapshot
        }
    }
}

/// One page being received: its rows, the cursor of the last row, and the checks across rows.
///
/// No cursor is built per row: each row's position is compared with the row before it where that row lies in
/// ``rows`` (or with the previous page's last cursor), and the page's last cursor is made once, on demand.
struct Page {
    var rows: [SourceRow] = []
    var maxRowVersion: String?
    var maxBusinessDate: String?
    /// The cursor of the previous page's last row.
    private let previous: PageCursor?
    /// Whether cursors carry the row's rowversion (OData) or not (e.net, which pages by key and date).
    private let rowVersionCursor: Bool
    /// The business date as sent of the last row accepted (business-date windows).
    private var lastDateAsSent: String?

    init(previous: PageCursor?, rowVersionCursor: Bool = true) {
        self.previous = previous
        self.rowVersionCursor = rowVersionCursor
    }

    /// What the Stage runner learns with this page (e.net pages carry no rowversion).
    func info(index: Int, byteCount: Int, isLast: Bool, retries: Int) -> PageInfo {
        PageInfo(
            index: index,
            rowCount: rows.count,
            byteCount: byteCount,
            maxRowVersion: rowVersionCursor ? maxRowVersion : nil,
            maxBusinessDate: maxBusinessDate,
            lastKey: last?.keys,
            isLast: isLast,
            retries: retries
        )
    }

    /// The cursor of the page's last row, or the previous page's when this one has no rows.
    var last: PageCursor? {
        guard let row = rows.last else { return previous }
        return PageCursor(
            rowVersion: rowVersionCursor ? row.rowVersion : nil,
            dateAsSent: lastDateAsSent,
            keys: row.keyValues
        )
    }

    /// Adds `row`; throws when its position in the read order repeats the previous row's (a key that is not
    /// unique would make keyset paging skip rows) or when a rowversion read meets a row without one.
    ///
    /// - Parameter dateAsSent: the row's business date exactly as the server sent it (business-date windows).
    mutating func accept(
        _ row: consuming SourceRow,
        dateAsSent: String?,
        window: ExtractQuery.Window,
        table: String,
        entry: CatalogEntry
    ) throws {
        let rowVersion = rowVersionCursor ? row.rowVersion : nil
        if case .rowVersion = window, rowVersion == nil {
            throw SysproBQError(
                .invalidData,
                "\(table) (\(describe(entry, row.keyValues))): the row has no TimeStamp, so rowversion paging cannot "
                    + "continue after it",
                remedy: "switch the table to its next change strategy in the catalog configuration",
                disposition: .needsHuman
            )
        }
        // The row's position in the read order: what the window orders by, compared field by field with the row
        // before (no copies).
        let samePosition: Bool
        if let before = rows.last {
            samePosition = Self.samePosition(
                window,
                rowVersion: (rowVersionCursor ? before.rowVersion : nil, rowVersion),
                dateAsSent: (lastDateAsSent, dateAsSent),
                keys: (before.keyValues, row.keyValues)
            )
        } else if let previous {
            samePosition = Self.samePosition(
                window,
                rowVersion: (previous.rowVersion, rowVersion),
                dateAsSent: (previous.dateAsSent, dateAsSent),
                keys: (previous.keys, row.keyValues)
            )
        } else {
            samePosition = false
        }
        if samePosition {
            throw SysproBQError(
                .invalidData,
                "\(table): two rows share the key \(describe(entry, row.keyValues)) in key order; the catalog key "
                    + "\(entry.keyColumns.joined(separator: ", ")) is not unique, and paging on it would skip rows",
                remedy: "set the table's real key with keyColumns in the catalog configuration",
                disposition: .needsHuman
            )
        }
        lastDateAsSent = dateAsSent
        maxRowVersion = maxText(maxRowVersion, row.rowVersion)
        maxBusinessDate = maxText(maxBusinessDate, row.businessDate)
        rows.append(row)  // moved in last: no copy of the row's buffers
    }

    /// Whether two consecutive rows share their position in the order `window` reads by.
    private static func samePosition(
        _ window: ExtractQuery.Window,
        rowVersion: (String?, String?),
        dateAsSent: (String?, String?),
        keys: ([String], [String])
    ) -> Bool {
        switch window {
        case .rowVersion: rowVersion.0 == rowVersion.1 && dateAsSent.0 == dateAsSent.1
        case .businessDate: dateAsSent.0 == dateAsSent.1 && keys.0 == keys.1
        case .snapshot: keys.0 == keys.1
        }
    }

    private func describe(_ entry: CatalogEntry, _ values: [String]) -> String {
        zip(entry.keyColumns, values).map { "\($0)='\($1)'" }.joined(separator: ", ")
    }
}

/// A page as the fetch thread hands it over: its scanned rows and what the transfer learned.
struct FetchedPage {
    var rows: RawPage
    var bytes: Int
    var isLast: Bool
    var retries: Int
}

/// The fetch half of a read, sent to its thread. Sound because the reading thread does not use the source's
/// client, retry policy or plans until the fetch has finished (``ODataSource/read(_:onPage:)`` waits for it on
/// every path out).
private struct UncheckedFetch: @unchecked Sendable {
    let source: ODataSource
    let plan: ODataEntityPlan
    let query: ExtractQuery
    let strategy: ChangeStrategy
    let dateIndex: Int?

    func run(into handoff: Handoff<FetchedPage, RawPage, ReadSummary>) throws -> ReadSummary {
        try source.fetchPages(plan: plan, query: query, strategy: strategy, dateIndex: dateIndex, into: handoff)
    }
}
