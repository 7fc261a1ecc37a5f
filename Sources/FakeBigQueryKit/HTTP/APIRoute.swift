/// Which BigQuery REST v2 method a request names (https://cloud.google.com/bigquery/docs/reference/rest).
struct APIRoute: Sendable {
    enum Kind: Sendable {
        case datasetsInsert
        case datasetsGet(String)
        case tablesInsert(String)
        case tablesGet(TableKey)
        case tablesPatch(TableKey)
        /// `POST …/tables/{t}:testIamPermissions` (the last segment carries the verb).
        case tablesTestIamPermissions(TableKey)
        case insertAll(TableKey)
        case jobsInsert
        case jobsGet(String)
        case jobsQuery
        /// `/upload/bigquery/v2/projects/{p}/jobs`: multipart, resumable init, or a resumable chunk.
        case upload
    }

    let project: String
    let kind: Kind

    /// Matches `segments` (percent-decoded path segments); `nil` for anything else.
    init?(method: String, segments: [String]) {
        var rest = segments[...]
        if rest.first == "resumable" { rest = rest.dropFirst() }
        let isUpload = rest.first == "upload"
        if isUpload { rest = rest.dropFirst() }
        guard rest.count >= 4, Array(rest.prefix(3)) == ["bigquery", "v2", "projects"] else { return nil }
        project = rest[rest.startIndex + 3]
        let tail = Array(rest.dropFirst(4))
        if isUpload {
            guard tail == ["jobs"], method == "POST" || method == "PUT" else { return nil }
            kind = .upload
            return
        }
        switch (method, tail.count) {
        case ("POST", 1) where tail[0] == "datasets": kind = .datasetsInsert
        case ("GET", 2) where tail[0] == "datasets": kind = .datasetsGet(tail[1])
        case ("POST", 3) where tail[0] == "datasets" && tail[2] == "tables": kind = .tablesInsert(tail[1])
        case ("POST", 4) where tail[0] == "datasets" && tail[2] == "tables" && tail[3].hasSuffix(":testIamPermissions"):
            let table = String(tail[3].dropLast(":testIamPermissions".count))
            kind = .tablesTestIamPermissions(TableKey(datasetId: tail[1], tableId: table))
        case ("GET", 4) where tail[0] == "datasets" && tail[2] == "tables":
            kind = .tablesGet(TableKey(datasetId: tail[1], tableId: tail[3]))
        case ("PATCH", 4) where tail[0] == "datasets" && tail[2] == "tables",
            ("PUT", 4) where tail[0] == "datasets" && tail[2] == "tables":
            kind = .tablesPatch(TableKey(datasetId: tail[1], tableId: tail[3]))
        case ("POST", 5) where tail[0] == "datasets" && tail[2] == "tables" && tail[4] == "insertAll":
            kind = .insertAll(TableKey(datasetId: tail[1], tableId: tail[3]))
        case ("POST", 1) where tail[0] == "jobs": kind = .jobsInsert
        case ("GET", 2) where tail[0] == "jobs": kind = .jobsGet(tail[1])
        case ("POST", 1) where tail[0] == "queries": kind = .jobsQuery
        default: return nil
        }
    }

    var isUpload: Bool {
        if case .upload = kind { return true }
        return false
    }

    /// The name counted in `/_fake/stats`.
    var endpoint: String {
        switch kind {
        case .datasetsInsert: "datasets.insert"
        case .datasetsGet: "datasets.get"
        case .tablesInsert: "tables.insert"
        case .tablesGet: "tables.get"
        case .tablesPatch: "tables.patch"
        case .tablesTestIamPermissions: "tables.testIamPermissions"
        case .insertAll: "tabledata.insertAll"
        case .jobsInsert: "jobs.insert"
        case .jobsGet: "jobs.get"
        case .jobsQuery: "jobs.query"
        case .upload: "jobs.insert.upload"
        }
    }
}
