import Synchronization

extension FakeBigQuery {
    /// `datasets.insert`: 200 with the Dataset, or 409 `duplicate` if it exists.
    func insertDataset(_ request: FakeRequest) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        guard let datasetId = body["datasetReference"]?["datasetId"]?.stringValue else {
            return GoogleError.invalid("Required parameter is missing: datasetReference.datasetId").response
        }
        guard Self.isValidDatasetId(datasetId) else {
            return GoogleError.invalid(
                "Invalid dataset ID \"\(datasetId)\". Dataset IDs must be alphanumeric (plus underscores) and must "
                    + "be at most 1024 characters long."
            ).response
        }
        let dataset = StoredDataset(
            datasetId: datasetId,
            location: body["location"]?.stringValue ?? location,
            creationTimeMs: nowMs,
            resource: body
        )
        let inserted = state.withLock { state -> Bool in
            guard state.datasets[datasetId] == nil else { return false }
            state.datasets[datasetId] = dataset
            return true
        }
        guard inserted else { return GoogleError.duplicate("Dataset \(project):\(datasetId)").response }
        return .json(200, datasetJSON(dataset))
    }

    /// `datasets.get`: 200 or 404 `notFound`.
    func getDataset(_ datasetId: String) -> FakeResponse {
        guard let dataset = state.withLock({ $0.datasets[datasetId] }) else {
            return GoogleError.notFound("Dataset \(project):\(datasetId)").response
        }
        return .json(200, datasetJSON(dataset))
    }

    private func datasetJSON(_ dataset: StoredDataset) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("kind", .string("bigquery#dataset")),
            JSONMember("etag", .string("\(dataset.datasetId)-\(dataset.creationTimeMs)")),
            JSONMember("id", .string("\(project):\(dataset.datasetId)")),
            JSONMember(
                "datasetReference",
                .object([("datasetId", .string(dataset.datasetId)), ("projectId", .string(project))])
            ),
            JSONMember("location", .string(dataset.location)),
            JSONMember("creationTime", .string(String(dataset.creationTimeMs))),
            JSONMember("lastModifiedTime", .string(String(dataset.creationTimeMs))),
            JSONMember("type", .string("DEFAULT")),
        ]
        let computed: Set = [
            "kind", "etag", "id", "datasetReference", "location", "creationTime", "lastModifiedTime", "type",
        ]
        for member in dataset.resource.objectMembers ?? [] where !computed.contains(member.key) {
            members.append(member)
        }
        return .object(members)
    }

    /// Letters, digits and `_`, 1 to 1,024 characters (DatasetReference in the REST reference).
    static func isValidDatasetId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 1024
            && id.unicodeScalars.allSatisfy { scalar in
                scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar)
            }
    }
}
