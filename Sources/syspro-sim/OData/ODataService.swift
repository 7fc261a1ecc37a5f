import LocalServer

/// The OData v4 service: `GET {root}/{Company}/$metadata` and `GET {root}/{Company}/{Table}?…`
/// with Basic authentication (reference §1.2–1.4 and §5).
struct ODataService {
    let simulator: Simulator

    private var configuration: SimulatorConfiguration { simulator.configuration }

    func handle(_ request: ServerRequest, _ writer: ResponseWriter) {
        let rest = request.path.dropFirst(configuration.odataRoot.count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        simulator.stats.count(parts.count == 2 && parts[1] == "$metadata" ? "odata.metadata" : "odata")
        guard authorized(request) else {
            writer.respond(
                status: 401,
                headers: [("WWW-Authenticate", "Basic realm=\"SYSPRO\""), ("Content-Type", "text/html")],
                text:
                    "<html><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>"
            )
            return
        }
        if let canned = simulator.canned.response(.odata, target: parts.last ?? "") {
            CannedResponses.send(canned, writer)
            return
        }
        guard configuration.odataEnabled else {
            error(writer, 403, "The operator '\(configuration.operatorCode)' is not enabled for OData access.")
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            error(writer, 405, "The OData service is read-only.")
            return
        }
        guard parts.count == 2, let db = simulator.database(parts[0]) else {
            error(writer, 404, "No HTTP resource was found that matches the request URI '\(request.target)'.")
            return
        }
        let fault = simulator.faults.draw(enet: false)
        if parts[1] == "$metadata" {
            let body = Array(MetadataDocument.render().utf8)
            send(writer, body: body, contentType: "application/xml", fault: fault)
            return
        }
        guard let schema = Catalog.table(parts[1]) else {
            error(writer, 404, "No HTTP resource was found that matches the request URI '\(request.target)'.")
            return
        }
        let options: QueryOptions
        do {
            options = try QueryOptions(items: request.aspNetQueryItems, schema: schema)
        } catch {
            self.error(writer, 400, "The query specified in the URI is not valid. \(error.message)")
            return
        }
        let snapshot = db.snapshot()
        let table = snapshot.tables[schema.name]!
        let limit = min(options.top ?? configuration.pageCap, configuration.pageCap)
        let evaluator = FilterEvaluator(schema: schema, offsetSeconds: configuration.dateOffsetSeconds)
        let page = QueryExecutor(table: table, evaluator: evaluator).run(options, limit: limit)
        let base = "http://\(request.header("Host") ?? "127.0.0.1")\(configuration.odataRoot)/\(parts[0])"
        var out = ByteWriter(capacity: page.rows.count * 400 + 256)
        out.append("{\"@odata.context\":")
        let selected = options.selectText.map { "(\($0))" } ?? ""
        out.appendJSONString("\(base)/$metadata#\(schema.name)\(selected)")
        out.append(",\"value\":[")
        // `Accept: application/json;IEEE754Compatible=true` asks for decimals as strings (OData v4 JSON §3.2).
        let ieee754 = request.header("Accept")?.lowercased().contains("ieee754compatible=true") ?? false
        let renderer = ODataRowRenderer(
            schema: schema,
            columns: options.select,
            offsetSeconds: configuration.dateOffsetSeconds,
            decimalsAsStrings: ieee754
        )
        for (n, i) in page.rows.enumerated() {
            if n > 0 { out.append(byte: 0x2C) }
            renderer.render(table.rows[i], into: &out)
        }
        out.append("]")
        let cutByCap = options.top.map { $0 > limit } ?? true
        if configuration.nextLink && page.more && cutByCap {
            out.append(",\"@odata.nextLink\":")
            out.appendJSONString(
                nextLink(request, base: base, table: schema.name, options: options, returned: page.rows.count)
            )
        }
        out.append("}")
        let contentType = "application/json; odata.metadata=minimal" + (ieee754 ? "; IEEE754Compatible=true" : "")
        send(writer, body: out.bytes, contentType: contentType, fault: fault)
    }

    private func send(_ writer: ResponseWriter, body: [UInt8], contentType: String, fault: FaultKind?) {
        let headers = [("Content-Type", contentType), ("OData-Version", "4.0")]
        if let fault {
            simulator.stats.countFault(fault)
            FaultResponder.respond(
                fault,
                writer: writer,
                contentType: contentType,
                body: body,
                errorBody: Self.errorBody("Simulated fault \(fault.rawValue)"),
                hangSeconds: configuration.hangSeconds,
                extraHeaders: [("OData-Version", "4.0")]
            )
            return
        }
        writer.respond(status: 200, headers: headers, body: body)
    }

    /// The next page's URL: the same options with `$skip` advanced (and `$top` reduced when given).
    private func nextLink(
        _ request: ServerRequest,
        base: String,
        table: String,
        options: QueryOptions,
        returned: Int
    ) -> String {
        var query: [String] = []
        for (name, _) in request.aspNetQueryItems where name != "$skip" && name != "$top" {
            if let raw = rawItem(request.rawQuery, name) { query.append(raw) }
        }
        if let top = options.top { query.append("$top=\(top - returned)") }
        query.append("$skip=\(options.skip + returned)")
        return "\(base)/\(table)?" + query.joined(separator: "&")
    }

    private func rawItem(_ rawQuery: String, _ name: String) -> String? {
        rawQuery.split(separator: "&").first { part in
            let rawName = part.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return (rawName.removingPercentEncodingLite() ?? rawName) == name
        }.map(String.init)
    }

    private func authorized(_ request: ServerRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
            let decoded = Base64.decode(String(header.dropFirst(6)))
        else { return false }
        return String(decoding: decoded, as: UTF8.self) == "\(configuration.operatorCode):\(configuration.password)"
    }

    private func error(_ writer: ResponseWriter, _ status: Int, _ message: String) {
        writer.respond(
            status: status,
            headers: [("Content-Type", "application/json; odata.metadata=minimal")],
            body: Self.errorBody(message)
        )
    }

    /// `{"error":{"code":"","message":"…"}}`, the ASP.NET OData error shape.
    static func errorBody(_ message: String) -> [UInt8] {
        var out = ByteWriter()
        out.append("{\"error\":{\"code\":\"\",\"message\":")
        out.appendJSONString(message)
        out.append("}}")
        return out.bytes
    }
}

extension String {
    /// Percent-decodes without treating `+` specially; nil on a bad escape.
    func removingPercentEncodingLite() -> String? { PercentDecoding.decode(Substring(self)) }
}

/// Renders rows as OData JSON objects: decimals as JSON numbers with exactly the column's scale,
/// dates as `yyyy-MM-ddT00:00:00±hh:mm`, `TimeStamp` as base64 of 8 bytes, NULL as `null`.
struct ODataRowRenderer {
    let schema: TableSchema
    let columns: [Int]
    let names: [[UInt8]]
    let dateSuffix: [UInt8]
    let decimalsAsStrings: Bool

    init(schema: TableSchema, columns: [Int], offsetSeconds: Int, decimalsAsStrings: Bool = false) {
        self.schema = schema
        self.decimalsAsStrings = decimalsAsStrings
        self.columns = columns
        names = columns.map { Array("\"\(schema.columns[$0].name)\":".utf8) }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let h = abs(offsetSeconds) / 3600
        let m = abs(offsetSeconds) % 3600 / 60
        dateSuffix = Array("T00:00:00\(sign)\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)\"".utf8)
    }

    func render(_ row: [Value], into out: inout ByteWriter) {
        out.append(byte: 0x7B)
        for (n, c) in columns.enumerated() {
            if n > 0 { out.append(byte: 0x2C) }
            out.bytes.append(contentsOf: names[n])
            switch row[c] {
            case .null: out.append("null")
            case .string(let s): out.appendJSONString(s)
            case .decimal(let v):
                if decimalsAsStrings { out.append(byte: 0x22) }
                out.appendDecimal(v, scale: schema.columns[c].type.scale ?? 0)
                if decimalsAsStrings { out.append(byte: 0x22) }
            case .date(let d):
                out.append(byte: 0x22)
                out.appendDate(d)
                out.bytes.append(contentsOf: dateSuffix)
            case .stamp(let s):
                out.append(byte: 0x22)
                out.appendBase64Stamp(s)
                out.append(byte: 0x22)
            }
        }
        out.append(byte: 0x7D)
    }
}
