import LocalServer

/// The e.net WCF REST endpoint at `/SYSPROWCFService/Rest` (reference §2.1–2.5): case-insensitive
/// paths, HTTP 200 always, `Content-Type: application/octet-stream`, `Server: Microsoft-HTTPAPI/2.0`,
/// errors as `ERROR: …` bodies.
struct ENetService {
    let simulator: Simulator

    private var configuration: SimulatorConfiguration { simulator.configuration }

    private static let headers = [
        ("Content-Type", "application/octet-stream"), ("Server", "Microsoft-HTTPAPI/2.0"),
    ]

    func handle(_ request: ServerRequest, _ writer: ResponseWriter) {
        let call = String(request.path.dropFirst("/SYSPROWCFService/Rest/".count)).lowercased()
        simulator.stats.count("enet.\(call)")
        // GET with a query string is what real clients send; a form body is accepted too.
        let items = request.aspNetQueryItems + (request.method == "POST" ? request.formItems() ?? [] : [])
        func param(_ name: String) -> String? {
            items.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        switch call {
        case "getversion":
            reply(writer, configuration.enet.version)
        case "logon":
            if let fault = simulator.faults.draw(enet: false) {
                inject(fault, writer, body: Array("ERROR: Simulated fault".utf8))
                return
            }
            logon(writer, param)
        case "logoff":
            let token = param("UserId") ?? ""
            reply(writer, simulator.sessions.close(token) ? "0" : configuration.sessionErrorText)
        case "query/query":
            query(writer, param)
        case "getlogonprofile", "query/browse", "query/fetch", "transaction/post", "transaction/postld",
            "setup/add", "setup/update", "setup/delete":
            reply(writer, "ERROR: \(call) is not simulated by syspro-sim")
        default:
            reply(writer, "ERROR: Endpoint not found")
        }
    }

    private func logon(_ writer: ResponseWriter, _ param: (String) -> String?) {
        guard param("Operator") == configuration.operatorCode else {
            reply(writer, "ERROR: Invalid operator code")
            return
        }
        guard param("OperatorPassword") == configuration.password else {
            reply(writer, "ERROR: Invalid operator password")
            return
        }
        guard let company = param("CompanyId"), simulator.database(company) != nil else {
            reply(writer, "ERROR: Invalid company")
            return
        }
        guard (param("CompanyPassword") ?? "") == configuration.companyPassword else {
            reply(writer, "ERROR: Invalid company password")
            return
        }
        let token = simulator.sessions.open(company: company) + "  "
        reply(writer, configuration.enet.jsonToken ? "\"\(token)\"" : token)
    }

    private func query(_ writer: ResponseWriter, _ param: (String) -> String?) {
        let object = (param("BusinessObject") ?? "").uppercased()
        let fault = simulator.faults.draw(enet: true)
        let token = param("UserId") ?? ""
        if fault == .session {
            _ = simulator.sessions.close(token)
            inject(.session, writer, body: Array(configuration.sessionErrorText.utf8))
            return
        }
        let company: String
        switch simulator.sessions.use(token, maxCalls: configuration.sessionMaxCalls, ttl: configuration.sessionTTL) {
        case .valid(let c): company = c
        case .unknown, .expired:
            reply(writer, configuration.sessionErrorText)
            return
        }
        if configuration.enet.unlicensedObjects.contains(object) {
            reply(writer, "ERROR: e.net exception 100000")
            return
        }
        guard object == "COMFND" else {
            reply(writer, "ERROR: Business object '\(object)' is not simulated by syspro-sim")
            return
        }
        if let canned = simulator.canned.response(.enet, target: Self.tableName(in: param("XmlIn") ?? "")) {
            CannedResponses.send(canned, writer)
            return
        }
        let query: ComfndQuery
        do {
            query = try ComfndQuery(xml: param("XmlIn") ?? "", offsetSeconds: configuration.dateOffsetSeconds)
        } catch {
            reply(writer, error.text)
            return
        }
        let snapshot = simulator.database(company)!.snapshot()
        let table = snapshot.tables[query.schema.name]!
        var options = try! QueryOptions(items: [], schema: query.schema)
        options.filter = query.filter
        options.orderBy = query.orderBy.map { ($0, false) }
        let limit = min(query.returnRows ?? configuration.pageCap, configuration.pageCap)
        let evaluator = FilterEvaluator(schema: query.schema, offsetSeconds: configuration.dateOffsetSeconds)
        let page = QueryExecutor(table: table, evaluator: evaluator).run(options, limit: limit)
        let body = ComfndRenderer(options: configuration.enet, query: query)
            .render(rows: page.rows.map { table.rows[$0] })
        if let fault {
            inject(fault, writer, body: body)
            return
        }
        writer.respond(status: 200, headers: Self.headers, body: body)
    }

    /// The `<TableName>` of a COMFND query, read loosely (a canned response must not depend on the query parsing).
    private static func tableName(in xml: String) -> String {
        guard let start = xml.firstRange(of: "<TableName>")?.upperBound,
            let end = xml[start...].firstRange(of: "</TableName>")?.lowerBound
        else { return "" }
        return String(xml[start..<end].filter { $0 != " " })
    }

    private func inject(_ fault: FaultKind, _ writer: ResponseWriter, body: [UInt8]) {
        simulator.stats.countFault(fault)
        let errorBody =
            fault == .session ? Array(configuration.sessionErrorText.utf8) : Array("Service Unavailable".utf8)
        FaultResponder.respond(
            fault,
            writer: writer,
            contentType: "application/octet-stream",
            body: body,
            errorBody: errorBody,
            hangSeconds: configuration.hangSeconds,
            extraHeaders: [("Server", "Microsoft-HTTPAPI/2.0")]
        )
    }

    private func reply(_ writer: ResponseWriter, _ text: String) {
        writer.respond(status: 200, headers: Self.headers, body: Windows1252.encode(text))
    }
}
