import Synchronization

extension FakeBigQuery {
    /// `jobs.query`, limited on purpose to ``CountQuery``: the fake is not a SQL engine. Tests read
    /// stored rows back through `GET /_fake/rows/{dataset}/{table}` instead.
    func query(_ request: FakeRequest) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        guard let text = body["query"]?.stringValue else {
            return GoogleError.invalid("Required parameter is missing: query").response
        }
        guard let count = CountQuery(text) else {
            return GoogleError.invalidQuery(
                "fake-bigquery runs only SELECT COUNT(*) [AS name] FROM `project.dataset.table`: \(text)"
            ).response
        }
        guard count.project == project else { return GoogleError.notFound("Project \(count.project)").response }
        let key = TableKey(datasetId: count.datasetId, tableId: count.tableId)
        let table: StoredTable
        switch lookUpTable(key) {
        case .failure(let error): return error.response
        case .success(let found): table = found
        }
        guard !table.isView else {
            return GoogleError.invalidQuery("fake-bigquery stores views but does not run them: \(key)").response
        }
        let jobId = "job_" + state.withLock { $0.randomHex(bytes: 12) }
        return .json(
            200,
            .object([
                ("kind", .string("bigquery#queryResponse")),
                (
                    "schema",
                    .object([
                        (
                            "fields",
                            .array([
                                .object([
                                    ("name", .string(count.alias ?? "f0_")), ("type", .string("INTEGER")),
                                    ("mode", .string("NULLABLE")),
                                ])
                            ])
                        )
                    ])
                ),
                (
                    "jobReference",
                    .object([
                        ("projectId", .string(project)), ("jobId", .string(jobId)), ("location", .string(location)),
                    ])
                ),
                ("totalRows", .string("1")),
                ("rows", .array([.object([("f", .array([.object([("v", .string(String(table.rows.count)))])]))])])),
                ("totalBytesProcessed", .string("0")),
                ("jobComplete", .bool(true)),
                ("cacheHit", .bool(false)),
            ])
        )
    }
}

/// `SELECT COUNT(*) [AS alias] FROM \`project.dataset.table\`` with optional trailing `;`, any case and
/// spacing. Anything else is refused rather than half-interpreted.
struct CountQuery: Sendable, Equatable {
    let alias: String?
    let project: String
    let datasetId: String
    let tableId: String

    init?(_ text: String) {
        var tokens = Self.tokenize(text)
        if tokens.last == ";" { tokens.removeLast() }
        guard tokens.count == 4 || tokens.count == 6 else { return nil }
        guard tokens[0].uppercased() == "SELECT", tokens[1].uppercased() == "COUNT(*)" else { return nil }
        var index = 2
        if tokens[2].uppercased() == "AS" {
            guard tokens.count == 6, FieldSchema.isValidName(tokens[3]) else { return nil }
            alias = tokens[3]
            index = 4
        } else {
            guard tokens.count == 4 else { return nil }
            alias = nil
        }
        guard tokens[index].uppercased() == "FROM" else { return nil }
        let reference = tokens[index + 1]
        guard reference.hasPrefix("`"), reference.hasSuffix("`"), reference.count > 2 else { return nil }
        let parts = reference.dropFirst().dropLast().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        project = String(parts[0])
        datasetId = String(parts[1])
        tableId = String(parts[2])
    }

    /// Splits on whitespace, keeping `COUNT ( * )` together as `COUNT(*)` and `;` separate.
    private static func tokenize(_ text: String) -> [String] {
        var normalized = ""
        for character in text {
            if character == ";" {
                normalized += " ; "
            } else {
                normalized.append(character)
            }
        }
        let words = normalized.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .map(String.init)
        var tokens: [String] = []
        for word in words {
            if let last = tokens.last, last.uppercased().hasPrefix("COUNT"), !last.hasSuffix(")") {
                tokens[tokens.count - 1] = last + word
            } else {
                tokens.append(word)
            }
        }
        return tokens
    }
}
