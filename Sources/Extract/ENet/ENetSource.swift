public import Common
public import Logging

/// Reads SYSPRO tables through e.net's generic COMFND query object (syspro.md §2.4): the path for SYSPRO 7,
/// which has no OData, and for sites without the OData service.
///
/// Each read is one e.net session (logged off on every path). Pages are keyset: `Where` after the last row,
/// `OrderBy` key, `ReturnRows N`, until fewer than N rows come back. The rowversion is not read: how COMFND
/// renders a `timestamp` column is unknown ([?]), so entries resolve to their next strategy and rows are
/// versioned by content hash.
///
/// This class is not thread-safe: use one source per thread. Requests to one server are limited across the
/// process to `configuration.maximumConcurrentRequests`.
public final class ENetSource: SourceReader {
    public let configuration: ENetConfiguration
    private let client: ENetClient
    private let logger: Logger

    /// The generic table query object.
    static let businessObject = "COMFND"

    /// - Throws: `SysproBQError` `.configuration` when the configuration is invalid.
    public init(
        configuration: ENetConfiguration,
        transport: any HTTPTransport,
        logger: Logger,
        clock: any WallClock = SystemClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let retry = ExtractRetryPolicy(policy: configuration.retryPolicy, clock: clock, random: random, logger: logger)
        client = ENetClient(configuration: configuration, transport: transport, retry: retry, logger: logger)
    }

    /// The libcurl settings this configuration implies (CA bundle, timeouts).
    public var httpClientConfiguration: HTTPClientConfiguration {
        HTTPClientConfiguration(
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout,
            caBundlePath: configuration.caBundlePath
        )
    }

    public func resolve(_ entry: CatalogEntry, company: String) throws -> ResolvedEntry {
        try entry.validate()
        var notes: [String] = []
        var resolved = entry
        if entry.rowVersionColumn != nil {
            resolved = entry.withoutRowVersion()
            notes.append("e.net COMFND does not return the TimeStamp rowversion in a known form")
        }
        let strategy = resolved.changeStrategies[0]
        if strategy != entry.changeStrategies.first {
            logger.notice(
                "Change strategy resolved with fallback",
                metadata: [
                    "enet.table": "\(entry.table)", "enet.company": "\(company)", "strategy.used": "\(strategy)",
                    "notes": "\(notes.joined(separator: "; "))",
                ]
            )
        }
        return ResolvedEntry(entry: resolved, strategy: strategy, notes: notes)
    }

    /// Pings e.net with the stored credentials: GetVersion, then Logon and Logoff for `company`.
    ///
    /// - Returns: a one-line description, e.g. `e.net 8.0.0.1: logon to company A succeeded`.
    public func check(company: String) throws -> String {
        var summary = ReadSummary(strategy: .snapshot)
        let version = try client.getVersion(summary: &summary)
        try client.withSession(company: company, summary: &summary) { _, _ in }
        return "e.net \(version): logon to company \(company) succeeded"
    }

    /// When an e.net error names one of `entry`'s columns (`Column 'X' not found…`): how to leave it out. COMFND
    /// cannot list a table's columns, so a SYSPRO version without a catalog column needs to be told.
    static func missingColumnRemedy(_ message: String, entry: CatalogEntry) -> String? {
        guard let column = entry.columns.first(where: { message.contains("'\($0.name)'") })?.name else { return nil }
        if entry.keyColumns.contains(column) || column == entry.businessDateColumn {
            return "\(column) is essential to \(entry.table) (a key or its business date): check the SYSPRO version, "
                + "or declare the table yourself with keys and columns in [tables.\(entry.table)]"
        }
        return "if this SYSPRO lacks \(column), add exclude_columns = [\"\(column)\"] to [tables.\(entry.table)] "
            + "(list every missing column; e.net cannot discover them)"
    }

    public func read(_ query: ExtractQuery, onPage: ([SourceRow], PageInfo) throws -> Void) throws -> ReadSummary {
        var entry = query.entry
        if entry.rowVersionColumn != nil { entry = entry.withoutRowVersion() }
        if case .rowVersion = query.window {
            throw SysproBQError(
                .configuration,
                "e.net: a rowversion window was asked for \(entry.table), but COMFND cannot filter on TimeStamp",
                remedy: "read with the strategy resolve() returned",
                disposition: .terminal
            )
        }
        let strategy: ChangeStrategy
        if case .businessDate = query.window {
            guard let found = entry.changeStrategies.first(where: { $0.kind == "businessDate" }) else {
                throw SysproBQError(
                    .configuration,
                    "e.net: a business-date window was asked for \(entry.table), which has no businessDate strategy",
                    disposition: .terminal
                )
            }
            strategy = found
        } else {
            strategy = .snapshot
        }
        var dateIndex: Int?
        if case .businessDate(let column, _) = strategy {
            dateIndex = entry.columns.firstIndex(where: { $0.name == column })
        }
        let returnRows = query.pageSize ?? configuration.pageSize
        let table = entry.table
        var summary = ReadSummary(strategy: strategy)
        try client.withSession(company: query.company, summary: &summary) { session, summary in
            var builder = SourceRowBuilder(entry: entry)
            var raw = RawRow(columnCount: entry.columns.count)
            var cursor: PageCursor?
            var index = 0
            while true {
                var pageRetries = 0
                let xmlIn = client.builder.comfndXmlIn(
                    entry: entry,
                    window: query.window,
                    cursor: cursor,
                    returnRows: returnRows
                )
                let body: [UInt8]
                do {
                    body = try session.query(
                        businessObject: Self.businessObject,
                        xmlIn: xmlIn,
                        summary: &summary,
                        retries: &pageRetries
                    )
                } catch var error as SysproBQError {
                    error.remedy = error.remedy ?? Self.missingColumnRemedy(error.message, entry: entry)
                    throw error
                }
                let root = try XMLTree.parse(body, what: "e.net COMFND answer for \(table)")
                var page = Page(previous: cursor, rowVersionCursor: false)
                let counts = try ComfndResult.readRows(root, entry: entry, raw: &raw) { raw in
                    let row = try builder.build(raw)
                    var date: String?
                    if let dateIndex, raw.kinds[dateIndex] == .string {
                        // COMFND may answer yyyy/MM/dd; the Where value is written yyyy-MM-dd.
                        date = try? DateText.normalized(raw.text(dateIndex), keepTime: false).get()
                    }
                    try page.accept(row, dateAsSent: date, window: query.window, table: table, entry: entry)
                }
                if let returned = counts.rowsReturned, returned != counts.rows {
                    throw SysproBQError(
                        .protocolViolation,
                        "e.net COMFND answer for \(table): RowsReturned says \(returned) but \(counts.rows) rows came",
                        disposition: .retryable
                    )
                }
                let isLast = counts.rows < returnRows
                summary.pages += 1
                summary.rows += page.rows.count
                summary.maxBusinessDate = maxText(summary.maxBusinessDate, page.maxBusinessDate)
                try onPage(
                    page.rows,
                    page.info(index: index, byteCount: body.count, isLast: isLast, retries: pageRetries)
                )
                index += 1
                if isLast { break }
                cursor = page.last
            }
        }
        return summary
    }
}
