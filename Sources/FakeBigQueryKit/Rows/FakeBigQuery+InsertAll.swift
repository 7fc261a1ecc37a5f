import Synchronization

extension FakeBigQuery {
    /// The most rows one insertAll request may carry (https://cloud.google.com/bigquery/quotas#streaming_inserts).
    static let maximumRowsPerRequest = 50_000

    /// `tabledata.insertAll`: validates every row against the schema and stores all of them, or (with
    /// `skipInvalidRows` false and any bad row) none, reporting `invalid` on bad rows and `stopped` on the
    /// rest. Rows whose insertId was stored within the dedup window are acknowledged but not stored again.
    func insertAll(_ request: FakeRequest, key baseKey: TableKey) -> FakeResponse {
        if let response = insertAllFast(request, key: baseKey) { return response }
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        let rows = body["rows"]?.arrayElements ?? []
        guard !rows.isEmpty else { return GoogleError.invalid("No rows present in the request.").response }
        guard rows.count <= Self.maximumRowsPerRequest else {
            return GoogleError.invalid(
                "too many rows present in the request, limit: \(Self.maximumRowsPerRequest) row count: \(rows.count)."
            ).response
        }
        let skipInvalidRows = body["skipInvalidRows"]?.boolValue ?? false
        let ignoreUnknownValues = body["ignoreUnknownValues"]?.boolValue ?? false
        let suffix = body["templateSuffix"]?.stringValue ?? ""
        // Rows are validated outside the lock against a snapshot of the schema; the commit re-checks that
        // the schema is unchanged (a concurrent tables.patch) and validates again if it changed.
        var result: Result<[JSONValue], GoogleError>?
        while result == nil {
            let snapshot = state.withLock { state -> Result<(key: TableKey, fields: [FieldSchema]), GoogleError> in
                guard state.datasets[baseKey.datasetId] != nil else {
                    return .failure(.notFound("Dataset \(project):\(baseKey.datasetId)"))
                }
                guard let base = state.tables[baseKey] else {
                    return .failure(.notFound("Table \(project):\(baseKey.datasetId).\(baseKey.tableId)"))
                }
                guard !base.isView else {
                    return .failure(
                        .invalid("Cannot add rows to a view: \(project):\(baseKey.datasetId).\(baseKey.tableId)")
                    )
                }
                // templateSuffix writes to `<table><suffix>`, created from the base table's schema on first use.
                let key = TableKey(datasetId: baseKey.datasetId, tableId: baseKey.tableId + suffix)
                return .success((key, state.tables[key]?.fields ?? base.fields))
            }
            guard case .success(let target) = snapshot else {
                if case .failure(let error) = snapshot { result = .failure(error) }
                break
            }
            let validator = RowValidator(fields: target.fields, ignoreUnknownValues: ignoreUnknownValues)
            var accepted: [(index: Int, insertId: String?, text: String)] = []
            var insertErrors: [JSONValue] = []
            for (index, row) in rows.enumerated() {
                switch validator.validate(row["json"] ?? .null) {
                case .success(let stored): accepted.append((index, row["insertId"]?.stringValue, stored.rendered))
                case .failure(let rejection):
                    insertErrors.append(Self.insertError(index: index, problems: rejection.problems))
                }
            }
            if !insertErrors.isEmpty && !skipInvalidRows {
                let stopped = accepted.map { Self.insertError(index: $0.index, problems: []) }
                result = .success(
                    (insertErrors + stopped).sorted {
                        ($0["index"]?.integerValue ?? 0) < ($1["index"]?.integerValue ?? 0)
                    }
                )
                break
            }
            let committed = commit(
                accepted.map { (insertId: $0.insertId, text: $0.text) },
                into: target.key,
                fields: target.fields,
                base: baseKey
            )
            if committed { result = .success(insertErrors) }
        }
        switch result ?? .success([]) {
        case .failure(let error): return error.response
        case .success(let insertErrors):
            return .json(
                200,
                .object([
                    ("kind", .string("bigquery#tableDataInsertAllResponse")),
                    ("insertErrors", insertErrors.isEmpty ? nil : .array(insertErrors)),
                ])
            )
        }
    }

    /// The fast path (``InsertAllScan``): a plain, valid request is stored without building a `JSONValue`
    /// tree. `nil` hands the request to the general path, which answers it exactly as before.
    private func insertAllFast(_ request: FakeRequest, key: TableKey) -> FakeResponse? {
        let fields = state.withLock { state -> [FieldSchema]? in
            guard state.datasets[key.datasetId] != nil, let table = state.tables[key], !table.isView else { return nil }
            return table.fields
        }
        guard let fields,
            let scan = InsertAllScan.scan(request.body, fields: fields, maximumRows: Self.maximumRowsPerRequest),
            commit(scan.rows.map { (insertId: $0.insertId, text: $0.text) }, into: key, fields: fields, base: key)
        else { return nil }
        return .json(200, .object([("kind", .string("bigquery#tableDataInsertAllResponse"))]))
    }

    /// Stores accepted rows in table `key` (created from `base`'s schema when it is a new suffixed table),
    /// skipping insertIds stored within the dedup window. Returns false, storing nothing, when the table's
    /// schema is no longer `fields` (a concurrent tables.patch): the caller validates again.
    private func commit(
        _ accepted: [(insertId: String?, text: String)],
        into key: TableKey,
        fields: [FieldSchema],
        base baseKey: TableKey
    ) -> Bool {
        let now = self.now
        let nowMs = self.nowMs
        let window = configuration.dedupWindowSeconds
        return state.withLock { state -> Bool in
            let current = state.tables[key]?.fields ?? state.tables[baseKey]?.fields
            guard current == fields else { return false }
            state.pruneInsertIds(of: key, now: now, window: window)
            // Taken out of their dictionaries so that updating them does not copy them (copy-on-write).
            var seen = state.recentInsertIds.removeValue(forKey: key) ?? [:]
            var table =
                state.tables.removeValue(forKey: key)
                ?? StoredTable(
                    datasetId: key.datasetId,
                    tableId: key.tableId,
                    fields: fields,
                    viewQuery: nil,
                    creationTimeMs: nowMs,
                    lastModifiedTimeMs: nowMs,
                    resource: .emptyObject
                )
            var stored = 0
            for row in accepted {
                // With no window (`--dedup-window 0`) nothing is deduplicated, so nothing is remembered.
                if window > 0, let insertId = row.insertId, !insertId.isEmpty {
                    if let first = seen[insertId], now - first < window {
                        state.statistics.dedupHits += 1
                        continue
                    }
                    seen[insertId] = now
                }
                table.rows.append(row.text)
                stored += 1
            }
            if !seen.isEmpty { state.recentInsertIds[key] = seen }
            if stored > 0 { table.lastModifiedTimeMs = nowMs }
            state.tables[key] = table
            state.statistics.rowsStoredByTable[key.description, default: 0] += stored
            return true
        }
    }

    /// One `insertErrors[]` entry; no problems means the row was valid but `stopped`.
    private static func insertError(index: Int, problems: [RowValidator.Problem]) -> JSONValue {
        let errors: [JSONValue] =
            problems.isEmpty
            ? [Self.errorProto(reason: "stopped", location: "", message: "")]
            : problems.map { Self.errorProto(reason: "invalid", location: $0.location, message: $0.message) }
        return .object([("index", .number(String(index))), ("errors", .array(errors))])
    }

    private static func errorProto(reason: String, location: String, message: String) -> JSONValue {
        .object([
            ("reason", .string(reason)), ("location", .string(location)), ("debugInfo", .string("")),
            ("message", .string(message)),
        ])
    }
}
