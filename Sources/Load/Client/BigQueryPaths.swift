import Common

/// The REST paths and bodies of the BigQuery v2 calls Load makes (pure; golden-tested).
///
/// URLs follow the discovery document (`bigquery.v2.json`): `<base>/bigquery/v2/projects/{p}/…` and, for media
/// uploads, `<base>/upload/bigquery/v2/projects/{p}/jobs`. Ids are restricted to `[A-Za-z0-9_-]` by BigQuery's own
/// rules, so they need no percent-encoding; the location is encoded anyway.
struct BigQueryPaths: Sendable {
    let base: String
    let project: String
    let dataset: String
    let location: String

    init(configuration: BigQueryConfiguration) {
        var base = configuration.apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        project = configuration.projectID
        dataset = configuration.datasetID
        location = configuration.location
    }

    var projectURL: String { "\(base)/bigquery/v2/projects/\(project)" }
    var datasetsURL: String { "\(projectURL)/datasets" }
    var datasetURL: String { "\(datasetsURL)/\(dataset)" }
    var tablesURL: String { "\(datasetURL)/tables" }
    func tableURL(_ table: String) -> String { "\(tablesURL)/\(table)" }
    func insertAllURL(_ table: String) -> String { "\(tableURL(table))/insertAll" }
    var jobsURL: String { "\(projectURL)/jobs" }
    func jobURL(_ jobID: String) -> String { "\(jobsURL)/\(jobID)?location=\(Self.encode(location))" }
    var multipartUploadURL: String { "\(base)/upload/bigquery/v2/projects/\(project)/jobs?uploadType=multipart" }
    var resumableUploadURL: String { "\(base)/upload/bigquery/v2/projects/\(project)/jobs?uploadType=resumable" }
    var queriesURL: String { "\(projectURL)/queries" }

    /// `jobs.getQueryResults` for a query job, asking for int64 timestamps.
    func queryResultsURL(
        jobID: String,
        location: String?,
        pageToken: String?,
        timeoutMs: Int,
        maxResults: Int?
    )
        -> String
    {
        var url = "\(queriesURL)/\(jobID)?timeoutMs=\(timeoutMs)&formatOptions.useInt64Timestamp=true"
        url += "&location=\(Self.encode(location ?? self.location))"
        if let maxResults { url += "&maxResults=\(maxResults)" }
        if let pageToken { url += "&pageToken=\(Self.encode(pageToken))" }
        return url
    }

    /// Percent-encodes everything outside the RFC 3986 unreserved set.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if BigQueryNames.isWordASCII(scalar) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "~")
            {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    // MARK: Bodies

    /// `datasets.insert`.
    var datasetBody: JSONValue {
        [
            "datasetReference": ["projectId": .string(project), "datasetId": .string(dataset)],
            "location": .string(location),
        ]
    }

    func tableReference(_ table: String) -> JSONValue {
        ["projectId": .string(project), "datasetId": .string(dataset), "tableId": .string(table)]
    }

    /// `tables.insert` for a raw table.
    func rawTableBody(_ layout: RawTableLayout) throws(SysproBQError) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("tableReference", tableReference(layout.tableID)),
            JSONMember(
                "description",
                .string("syspro-bq raw append-only history of SYSPRO table \(layout.sourceTable)")
            ),
            JSONMember("schema", ["fields": .array(layout.fields.map(\.json))]),
        ]
        if let partitioning = try layout.timePartitioning() {
            members.append(JSONMember("timePartitioning", partitioning))
        }
        members.append(JSONMember("clustering", ["fields": .array(layout.clusteringFields.map { .string($0) })]))
        return .object(members)
    }

    /// `tables.patch` replacing the schema with `fields` (always the full list: patch replaces `schema.fields`).
    func schemaPatchBody(_ fields: [TableField]) -> JSONValue {
        ["schema": ["fields": .array(fields.map(\.json))]]
    }

    /// `tables.insert` for a view.
    func viewBody(_ table: String, query: String) -> JSONValue {
        ["tableReference": tableReference(table), "view": viewDefinition(query)]
    }

    /// `tables.patch` for a view's query.
    func viewPatchBody(query: String) -> JSONValue {
        ["view": viewDefinition(query)]
    }

    private func viewDefinition(_ query: String) -> JSONValue {
        ["query": .string(query), "useLegacySql": false]
    }
}
