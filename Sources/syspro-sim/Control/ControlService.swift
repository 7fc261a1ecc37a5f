import LocalServer

/// The `/_sim/` control endpoints (no authentication; the server only listens on loopback):
///
/// - `POST /_sim/advance?steps=N&seed=S` — run N business steps in every company.
/// - `GET /_sim/truth/{Company}/{Table}[?encoding=cp1252]` — the current rows as NDJSON in the
///   staged value format, ordered by key (`encoding=cp1252` shows strings as e.net delivers them).
/// - `GET /_sim/stats` — requests per endpoint, faults per kind, e.net sessions, rows per table.
/// - `POST /_sim/faults?rate=R&kinds=K,…` — change fault injection at run time.
/// - `POST /_sim/canned?service=odata|enet&target=T&status=N&content_type=C` — serve the request body verbatim
///   (with that status and type) for every request of that service naming table `T` (`$metadata`, `*` for all);
///   `POST /_sim/canned?clear=1` removes every canned response.
/// - `POST /_sim/reset` — regenerate every company from the seed.
struct ControlService {
    let simulator: Simulator

    func handle(_ request: ServerRequest, _ writer: ResponseWriter) {
        let parts = request.path.split(separator: "/").map(String.init)
        let json = [("Content-Type", "application/json")]
        switch (request.method, parts.count > 1 ? parts[1] : "") {
        case ("POST", "advance"):
            guard let steps = Int(request.query("steps") ?? "1"), steps >= 0 else {
                writer.respond(status: 400, headers: json, text: "{\"error\":\"steps must be a non-negative integer\"}")
                return
            }
            let seed = request.query("seed").flatMap { UInt64($0) }
            let changes = simulator.advance(steps: steps, seed: seed)
            let body = changes.keys.sorted().map { "\"\($0)\":\(changes[$0]!)" }.joined(separator: ",")
            writer.respond(status: 200, headers: json, text: "{\"changes\":{\(body)}}")
        case ("GET", "truth") where parts.count == 4:
            guard let db = simulator.database(parts[2]), let schema = Catalog.table(parts[3]) else {
                writer.respond(status: 404, headers: json, text: "{\"error\":\"unknown company or table\"}")
                return
            }
            let table = db.snapshot().tables[schema.name]!
            let cp1252 = request.query("encoding") == "cp1252"
            writer.respond(
                status: 200,
                headers: [("Content-Type", "application/x-ndjson")],
                body: TruthRenderer.render(table, cp1252: cp1252)
            )
        case ("GET", "stats"):
            writer.respond(status: 200, headers: json, text: statsJSON())
        case ("POST", "faults"):
            var rate: Double?
            if let text = request.query("rate") {
                guard let r = Double(text), (0...1).contains(r) else {
                    writer.respond(status: 400, headers: json, text: "{\"error\":\"rate must be in 0...1\"}")
                    return
                }
                rate = r
            }
            var kinds: [FaultKind]?
            if let text = request.query("kinds") {
                guard let k = FaultKind.parseList(text) else {
                    writer.respond(status: 400, headers: json, text: "{\"error\":\"unknown fault kind\"}")
                    return
                }
                kinds = k
            }
            simulator.faults.update(rate: rate, kinds: kinds)
            let now = simulator.faults.current
            writer.respond(
                status: 200,
                headers: json,
                text:
                    "{\"rate\":\(now.rate),\"kinds\":[\(now.kinds.map { "\"\($0.rawValue)\"" }.joined(separator: ","))]}"
            )
        case ("POST", "canned"):
            setCanned(request, writer)
        case ("POST", "reset"):
            simulator.reset()
            writer.respond(status: 200, headers: json, text: "{\"reset\":true}")
        default:
            writer.respond(status: 404, headers: json, text: "{\"error\":\"unknown control endpoint\"}")
        }
    }

    private func setCanned(_ request: ServerRequest, _ writer: ResponseWriter) {
        let json = [("Content-Type", "application/json")]
        if request.query("clear") != nil {
            simulator.canned.clear()
            writer.respond(status: 200, headers: json, text: "{\"canned\":\"cleared\"}")
            return
        }
        guard let service = CannedResponses.Service(rawValue: request.query("service") ?? ""),
            let target = request.query("target"), !target.isEmpty,
            let status = Int(request.query("status") ?? "200"), (100...599).contains(status)
        else {
            writer.respond(
                status: 400,
                headers: json,
                text: "{\"error\":\"canned needs service=odata|enet, target and a status in 100...599\"}"
            )
            return
        }
        let contentType = request.query("content_type") ?? "application/json"
        simulator.canned.set(
            .init(status: status, contentType: contentType, body: request.body),
            service: service,
            target: target
        )
        writer.respond(status: 200, headers: json, text: "{\"canned\":\"set\"}")
    }

    private func statsJSON() -> String {
        func object(_ d: [String: Int]) -> String {
            "{" + d.keys.sorted().map { "\"\($0)\":\(d[$0]!)" }.joined(separator: ",") + "}"
        }
        let s = simulator.sessions.counts
        var rows: [String] = []
        for company in simulator.companyIds {
            guard let db = simulator.database(company) else { continue }
            let snapshot = db.snapshot()
            var counts: [String: Int] = [:]
            for (name, table) in snapshot.tables { counts[name] = table.rows.count }
            rows.append("\"\(company)\":\(object(counts))")
        }
        return "{\"requests\":\(object(simulator.stats.requests)),\"faults\":\(object(simulator.stats.faults)),"
            + "\"enet\":{\"openSessions\":\(s.open),\"opened\":\(s.opened),\"closed\":\(s.closed),\"expired\":\(s.expired)},"
            + "\"rows\":{\(rows.joined(separator: ","))}}"
    }
}

/// Renders ground truth in the connector's staged value format: one JSON object per row, columns
/// in table order; decimals as JSON strings with the column's scale, dates `YYYY-MM-DD` or null,
/// strings exact, `TimeStamp` as `0x` + 16 upper-case hex digits, SQL NULL as null.
enum TruthRenderer {
    static func render(_ table: TableData, cp1252: Bool) -> [UInt8] {
        let schema = table.schema
        let names = schema.columns.map { Array("\"\($0.name)\":".utf8) }
        var out = ByteWriter(capacity: table.rows.count * 400)
        for row in table.rows {
            out.append(byte: 0x7B)
            for (c, column) in schema.columns.enumerated() {
                if c > 0 { out.append(byte: 0x2C) }
                out.bytes.append(contentsOf: names[c])
                switch row[c] {
                case .null: out.append("null")
                case .string(let s): out.appendJSONString(cp1252 ? Windows1252.lossy(s) : s)
                case .decimal(let v):
                    out.append(byte: 0x22)
                    out.appendDecimal(v, scale: column.type.scale ?? 0)
                    out.append(byte: 0x22)
                case .date(let d):
                    out.append(byte: 0x22)
                    out.appendDate(d)
                    out.append(byte: 0x22)
                case .stamp(let s):
                    out.append("\"0x")
                    out.appendHex16(s)
                    out.append(byte: 0x22)
                }
            }
            out.append("}\n")
        }
        return out.bytes
    }
}
