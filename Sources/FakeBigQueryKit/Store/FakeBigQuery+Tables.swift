import Synchronization

extension FakeBigQuery {
    /// `tables.insert`: validates the schema and stores the table or view; 409 `duplicate` if it exists.
    func insertTable(_ request: FakeRequest, datasetId: String) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        guard let tableId = body["tableReference"]?["tableId"]?.stringValue else {
            return GoogleError.invalid("Required parameter is missing: tableReference.tableId").response
        }
        guard !tableId.isEmpty, tableId.utf8.count <= 1024,
            tableId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else {
            return GoogleError.invalid("Invalid table ID \"\(tableId)\".").response
        }
        let viewQuery = body["view"]?["query"]?.stringValue
        var fields: [FieldSchema] = []
        if let schema = body["schema"] {
            switch SchemaParser.parseFields(schema["fields"]) {
            case .failure(let error): return error.response
            case .success(let parsed): fields = parsed
            }
        }
        if let error = TableLayoutRules.check(body, fields: fields) { return error.response }
        let table = StoredTable(
            datasetId: datasetId,
            tableId: tableId,
            fields: fields,
            viewQuery: viewQuery,
            creationTimeMs: nowMs,
            lastModifiedTimeMs: nowMs,
            resource: body
        )
        let key = TableKey(datasetId: datasetId, tableId: tableId)
        let outcome = state.withLock { state -> GoogleError? in
            guard state.datasets[datasetId] != nil else { return .notFound("Dataset \(project):\(datasetId)") }
            guard state.tables[key] == nil else { return .duplicate("Table \(project):\(datasetId).\(tableId)") }
            state.tables[key] = table
            return nil
        }
        if let outcome { return outcome.response }
        return .json(200, table.json(project: project, location: location))
    }

    /// `tables.testIamPermissions`: the requested permissions minus the denied ones; 404 for a missing table (as
    /// BigQuery answers a caller with access to the dataset). An empty grant is `{}`, as Google omits empty lists.
    func testTablePermissions(_ request: FakeRequest, key: TableKey) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        guard case .array(let items)? = body["permissions"] else {
            return GoogleError.invalid("Required parameter is missing: permissions").response
        }
        let requested = items.compactMap(\.stringValue)
        if case .failure(let error) = lookUpTable(key) { return error.response }
        let denied = state.withLock { $0.deniedPermissions }
        let granted = requested.filter { !denied.contains($0) }
        if granted.isEmpty { return .json(200, JSONValue.object([JSONMember]())) }
        return .json(200, .object([("permissions", .array(granted.map { .string($0) }))]))
    }

    /// `tables.get`: 200 or 404 `notFound`.
    func getTable(_ key: TableKey) -> FakeResponse {
        switch lookUpTable(key) {
        case .failure(let error): return error.response
        case .success(let table): return .json(200, table.json(project: project, location: location))
        }
    }

    /// `tables.patch` (and `tables.update`): applies a schema change under BigQuery's evolution rules and
    /// replaces the other given fields (description, labels, …).
    func patchTable(_ request: FakeRequest, key: TableKey) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        var proposed: [FieldSchema]?
        if let schema = body["schema"] {
            switch SchemaParser.parseFields(schema["fields"]) {
            case .failure(let error): return error.response
            case .success(let parsed): proposed = parsed
            }
        }
        let name = "\(project):\(key.datasetId).\(key.tableId)"
        let nowMs = self.nowMs
        let result = state.withLock { state -> Result<StoredTable, GoogleError> in
            guard state.datasets[key.datasetId] != nil else {
                return .failure(.notFound("Dataset \(project):\(key.datasetId)"))
            }
            guard var table = state.tables[key] else { return .failure(.notFound("Table \(name)")) }
            if let proposed {
                if let error = SchemaEvolution.check(current: table.fields, proposed: proposed, tableName: name) {
                    return .failure(error)
                }
                table.fields = proposed
            }
            for member in body.objectMembers ?? [] where !StoredTable.computedKeys.contains(member.key) {
                table.resource = table.resource.setting(member.key, member.value)
            }
            table.lastModifiedTimeMs = nowMs
            state.tables[key] = table
            return .success(table)
        }
        switch result {
        case .failure(let error): return error.response
        case .success(let table): return .json(200, table.json(project: project, location: location))
        }
    }

    func lookUpTable(_ key: TableKey) -> Result<StoredTable, GoogleError> {
        state.withLock { state in
            guard state.datasets[key.datasetId] != nil else {
                return .failure(.notFound("Dataset \(project):\(key.datasetId)"))
            }
            guard let table = state.tables[key] else {
                return .failure(.notFound("Table \(project):\(key.datasetId).\(key.tableId)"))
            }
            return .success(table)
        }
    }
}
