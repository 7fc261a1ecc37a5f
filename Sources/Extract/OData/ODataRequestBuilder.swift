import Common

/// Builds OData URLs and requests; pure (no I/O), so every URL is asserted exactly in tests.
///
/// Each page is `GET {entity}?$select=…&$filter=…&$orderby=…&$top=N`:
/// - `$select` lists the plan's columns in catalog order;
/// - `$orderby` is the cursor then the key (`TimeStamp` alone for rowversion windows: a rowversion is unique
///   in the database);
/// - `$filter` is the window, and after the first page a keyset predicate "after the last row":
///   `TimeStamp gt binary'…'`, or the lexicographic `(D gt d) or (D eq d and (K1 gt k1 or (K1 eq k1 and …)))`.
///
/// Values are percent-encoded completely (RFC 3986 unreserved set only), so `+` in base64 and `'` in string
/// literals reach the server intact.
///
/// This type is a value type and is `Sendable`.
struct ODataRequestBuilder: Sendable {
    let configuration: ODataConfiguration

    /// The entity-set URL for `table` of `company`.
    func entityURL(company: String, table: String) -> String {
        fill(configuration.entityPathTemplate, company: company, table: table)
    }

    /// The `$metadata` URL for `company`.
    func metadataURL(company: String) -> String {
        fill(configuration.metadataPathTemplate, company: company, table: "")
    }

    /// The service root itself (for `check`).
    var serviceRootURL: String { root + "/" }

    private var root: String {
        var text = configuration.serviceRoot
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private func fill(_ template: String, company: String, table: String) -> String {
        template.replacingAll("{root}", with: root)
            .replacingAll("{company}", with: PercentEncoding.encode(company))
            .replacingAll("{table}", with: PercentEncoding.encode(table))
    }

    /// The URL of a page.
    ///
    /// - Parameters:
    ///   - cursor: the last row of the previous page (keyset paging); `nil` for the first page.
    ///   - skip: rows to skip (`$skip` paging, the last resort).
    func pageURL(
        plan: ODataEntityPlan,
        company: String,
        window: ExtractQuery.Window,
        cursor: PageCursor?,
        top: Int,
        skip: Int? = nil
    ) -> String {
        var items: [(String, String)] = [("$select", plan.entry.columns.map(\.name).joined(separator: ","))]
        if let filter = filter(plan: plan, window: window, cursor: cursor) { items.append(("$filter", filter)) }
        items.append(("$orderby", orderBy(plan: plan, window: window).joined(separator: ",")))
        items.append(("$top", String(top)))
        if let skip, skip > 0 { items.append(("$skip", String(skip))) }
        return entityURL(company: company, table: plan.entry.table) + "?" + PercentEncoding.query(items)
    }

    /// A one-row request that fails with 400 when the service cannot filter on the rowversion.
    func rowVersionProbeURL(plan: ODataEntityPlan, company: String, column: String) -> String {
        let items = [
            ("$select", column), ("$filter", "\(column) gt binary'AAAAAAAAAAA='"), ("$orderby", column), ("$top", "1"),
        ]
        return entityURL(company: company, table: plan.entry.table) + "?" + PercentEncoding.query(items)
    }

    /// The sort order of a window: cursor column(s) then key columns.
    func orderBy(plan: ODataEntityPlan, window: ExtractQuery.Window) -> [String] {
        switch window {
        case .rowVersion:
            return [plan.entry.rowVersionColumn ?? "TimeStamp"]
        case .businessDate:
            return [businessDateColumn(plan)] + plan.entry.keyColumns
        case .snapshot:
            return plan.entry.keyColumns
        }
    }

    /// The `$filter` text (unencoded) of a window and cursor; `nil` when nothing is filtered.
    func filter(plan: ODataEntityPlan, window: ExtractQuery.Window, cursor: PageCursor?) -> String? {
        switch window {
        case .rowVersion(let after):
            let column = plan.entry.rowVersionColumn ?? "TimeStamp"
            guard let from = cursor?.rowVersion ?? after, let literal = ODataLiteral.rowVersion(from) else {
                return nil
            }
            return "\(column) gt \(literal)"
        case .businessDate(let from, let through):
            let column = businessDateColumn(plan)
            let kind = plan.dateLiterals[column] ?? configuration.dateLiteralKind
            var parts: [String] = []
            if let cursor, let sent = cursor.dateAsSent {
                let date = ODataLiteral.dateAsSent(sent, kind: kind)
                let keys = keyset(plan: plan, values: cursor.keys)
                parts.append("(\(column) gt \(date) or (\(column) eq \(date) and (\(keys))))")
            } else {
                let offset = configuration.dateLiteralOffset(forDay: from)
                parts.append("\(column) ge \(ODataLiteral.date(from, kind: kind, offset: offset))")
            }
            if let through {
                // `lt` the next day: a DateTimeOffset at any time of `through` is still inside.
                let next = DateText.nextDay(through) ?? through
                let offset = configuration.dateLiteralOffset(forDay: next)
                parts.append("\(column) lt \(ODataLiteral.date(next, kind: kind, offset: offset))")
            }
            return parts.joined(separator: " and ")
        case .snapshot:
            guard let cursor else { return nil }
            return keyset(plan: plan, values: cursor.keys)
        }
    }

    /// `K1 gt v1 or (K1 eq v1 and (K2 gt v2 or (K2 eq v2 and K3 gt v3)))`.
    func keyset(plan: ODataEntityPlan, values: [String]) -> String {
        let keys = plan.entry.keyColumns
        func term(_ index: Int) -> String {
            let name = keys[index]
            let type = plan.entry.column(named: name)?.sqlType ?? .varchar(1)
            let literal = ODataLiteral.value(values[index], sqlType: type)
            if index == keys.count - 1 { return "\(name) gt \(literal)" }
            return "\(name) gt \(literal) or (\(name) eq \(literal) and (\(term(index + 1))))"
        }
        return term(0)
    }

    private func businessDateColumn(_ plan: ODataEntityPlan) -> String {
        plan.businessDateCursorColumn ?? plan.entry.keyColumns[0]
    }

    /// The `GET` request for `url`, with Basic authentication and the OData JSON `Accept` header.
    func request(url: String) -> HTTPRequest {
        var accept = "application/json;odata.metadata=minimal"
        if configuration.ieee754Compatible { accept += ";IEEE754Compatible=true" }
        return HTTPRequest(
            method: .get,
            url: url,
            headers: [HTTPHeader(name: "Accept", value: accept), HTTPHeader(name: "OData-MaxVersion", value: "4.0")],
            basicAuth: BasicCredentials(user: configuration.operatorName, password: configuration.password),
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout
        )
    }

    /// The `GET` request for `$metadata` (XML).
    func metadataRequest(company: String) -> HTTPRequest {
        var request = request(url: metadataURL(company: company))
        request.headers = [HTTPHeader(name: "Accept", value: "application/xml")]
        return request
    }

    /// The URL of a `@odata.nextLink`: verbatim when absolute, else resolved against the entity URL's origin.
    func resolveNextLink(_ link: String, relativeTo base: String) -> String {
        if link.contains("://") { return link }
        guard let schemeEnd = base.firstRange(of: "://") else { return link }
        let afterScheme = base[schemeEnd.upperBound...]
        let origin = base[..<(afterScheme.firstIndex(of: "/") ?? base.endIndex)]
        if link.hasPrefix("/") { return origin + link }
        let path = base.split(separator: "?", maxSplits: 1)[0]
        guard let slash = path.lastIndex(of: "/") else { return link }
        return path[...slash] + link
    }
}
