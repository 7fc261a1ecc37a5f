/// Builds e.net REST URLs and COMFND `XmlIn` documents; pure (no I/O).
///
/// Every call is a GET with query-string parameters ([C] RB/PI, syspro.md §2.2). `XmlIn` is percent-encoded
/// in full. Paging is keyset ([I] §2.4): COMFND has no offset, so each page asks for rows after the last one
/// (`Where key GT last`, `OrderBy key`, `ReturnRows N`) and the read stops when fewer than N come back. A
/// compound key becomes a disjunction of bracketed conjunctions —
/// `(K1 GT a) Or (K1 EQ a And K2 GT b)` — so only one level of brackets is ever needed.
///
/// This type is a value type and is `Sendable`.
struct ENetRequestBuilder: Sendable {
    let configuration: ENetConfiguration

    private var base: String {
        var text = configuration.baseURL
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `GET /Logon?Operator=…&OperatorPassword=…&CompanyId=…&CompanyPassword=…`.
    func logonURL(company: String) -> String {
        base + "/Logon?"
            + PercentEncoding.query([
                ("Operator", configuration.operatorName), ("OperatorPassword", configuration.operatorPassword),
                ("CompanyId", company), ("CompanyPassword", configuration.companyPassword),
            ])
    }

    /// `GET /Logoff?UserId=…`.
    func logoffURL(token: String) -> String {
        base + "/Logoff?" + PercentEncoding.query([("UserId", token)])
    }

    /// `GET /GetVersion`.
    var getVersionURL: String { base + "/GetVersion" }

    /// `GET /Query/Query?UserId=…&BusinessObject=…&XmlIn=…`.
    func queryURL(token: String, businessObject: String, xmlIn: String) -> String {
        base + "/Query/Query?"
            + PercentEncoding.query([("UserId", token), ("BusinessObject", businessObject), ("XmlIn", xmlIn)])
    }

    /// One COMFND condition.
    struct Condition: Equatable {
        var column: String
        /// `EQ`, `GT`, `GE`, `LT`, `LE`.
        var operation: String
        var value: String
    }

    /// The COMFND `XmlIn` for a page: the entry's columns, the window and cursor as `Where`, the order, and
    /// `ReturnRows`. The request shape is the one a real server answered ([C] RB, syspro.md §2.4).
    func comfndXmlIn(entry: CatalogEntry, window: ExtractQuery.Window, cursor: PageCursor?, returnRows: Int) -> String {
        var xml = #"<?xml version="1.0" encoding="Windows-1252"?>"#
        xml +=
            #"<Query xmlns:xsd="http://www.w3.org/2001/XMLSchema-instance" xsd:noNamespaceSchemaLocation="COMFND.XSD">"#
        xml += "<TableName>\(escape(entry.table))</TableName><ReturnRows>\(returnRows)</ReturnRows><Columns>"
        for column in entry.dataColumns { xml += "<Column>\(escape(column.name))</Column>" }
        xml += "</Columns>"
        let disjuncts = whereClause(entry: entry, window: window, cursor: cursor)
        if !disjuncts.isEmpty {
            xml += "<Where>"
            for (index, conjunction) in disjuncts.enumerated() {
                for (position, condition) in conjunction.enumerated() {
                    let open = position == 0 ? "(" : ""
                    let andOr = position == 0 && index > 0 ? "Or" : "And"
                    let close = position == conjunction.count - 1 ? ")" : ""
                    xml += "<Expression><OpenBracket>\(open)</OpenBracket><AndOr>\(andOr)</AndOr>"
                    xml += "<Column>\(escape(condition.column))</Column><Condition>\(condition.operation)</Condition>"
                    xml += "<Value>\(escape(condition.value))</Value><CloseBracket>\(close)</CloseBracket></Expression>"
                }
            }
            xml += "</Where>"
        }
        xml += "<OrderBy>"
        for column in orderBy(entry: entry, window: window) { xml += "<Column>\(escape(column))</Column>" }
        xml += "</OrderBy></Query>"
        return xml
    }

    func orderBy(entry: CatalogEntry, window: ExtractQuery.Window) -> [String] {
        if case .businessDate = window, let column = businessDateColumn(entry) { return [column] + entry.keyColumns }
        return entry.keyColumns
    }

    /// The `Where` as a disjunction (outer array) of conjunctions.
    func whereClause(entry: CatalogEntry, window: ExtractQuery.Window, cursor: PageCursor?) -> [[Condition]] {
        let keys = entry.keyColumns
        func keyset(_ values: [String], prefix: [Condition]) -> [[Condition]] {
            (0..<keys.count).map { index in
                prefix + (0..<index).map { Condition(column: keys[$0], operation: "EQ", value: values[$0]) }
                    + [Condition(column: keys[index], operation: "GT", value: values[index])]
            }
        }
        switch window {
        case .snapshot, .rowVersion:
            guard let cursor else { return [] }
            return keyset(cursor.keys, prefix: [])
        case .businessDate(let from, let through):
            guard let column = businessDateColumn(entry) else { return [] }
            let upper = through.map { [Condition(column: column, operation: "LE", value: $0)] } ?? []
            guard let cursor, let date = cursor.dateAsSent else {
                return [[Condition(column: column, operation: "GE", value: from)] + upper]
            }
            let sameDay = Condition(column: column, operation: "EQ", value: date)
            return [[Condition(column: column, operation: "GT", value: date)] + upper]
                + keyset(cursor.keys, prefix: [sameDay])
        }
    }

    private func businessDateColumn(_ entry: CatalogEntry) -> String? {
        for strategy in entry.changeStrategies {
            if case .businessDate(let column, _) = strategy { return column }
        }
        return entry.businessDateColumn
    }

    private func escape(_ text: String) -> String {
        text.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;")
    }
}
