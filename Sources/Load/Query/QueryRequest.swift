import Foundation

/// A `jobs.query` request: standard SQL with named parameters, int64 timestamps.
///
/// This type is a value type and is `Sendable`.
public struct QueryRequest: Sendable, Hashable {
    /// A named query parameter; values travel as text (`"1234.50"` for NUMERIC), never through a binary type.
    public struct Parameter: Sendable, Hashable {
        public let name: String
        /// `STRING`, `INT64`, `NUMERIC`, `DATE`, `TIMESTAMP`, …
        public let type: String
        /// The value's text, or `nil` for NULL.
        public let value: String?

        public init(name: String, type: String, value: String?) {
            self.name = name
            self.type = type
            self.value = value
        }
    }

    public var sql: String
    public var parameters: [Parameter]
    /// How long the server may hold the call before answering `jobComplete: false`, in milliseconds.
    public var timeoutMs: Int
    /// Rows per page; `nil` lets BigQuery choose (pages are capped at 10 MB).
    public var maxResults: Int?

    public init(sql: String, parameters: [Parameter] = [], timeoutMs: Int = 10_000, maxResults: Int? = nil) {
        self.sql = sql
        self.parameters = parameters
        self.timeoutMs = timeoutMs
        self.maxResults = maxResults
    }

    /// The body. `useLegacySql` defaults to true in the API, so it is always sent as false;
    /// `formatOptions.useInt64Timestamp` makes BigQuery and the emulator agree on TIMESTAMP cells.
    func body(location: String) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("query", .string(sql)),
            JSONMember("useLegacySql", false),
            JSONMember("location", .string(location)),
            JSONMember("timeoutMs", .int(Int64(timeoutMs))),
        ]
        if let maxResults { members.append(JSONMember("maxResults", .int(Int64(maxResults)))) }
        if !parameters.isEmpty {
            members.append(JSONMember("parameterMode", "NAMED"))
            members.append(
                JSONMember(
                    "queryParameters",
                    .array(
                        parameters.map { parameter in
                            [
                                "name": .string(parameter.name),
                                "parameterType": ["type": .string(parameter.type)],
                                "parameterValue": ["value": parameter.value.map { .string($0) } ?? .null],
                            ]
                        }
                    )
                )
            )
        }
        members.append(JSONMember("formatOptions", ["useInt64Timestamp": true]))
        members.append(JSONMember("useQueryCache", false))
        return .object(members)
    }
}

/// The rows of a finished query, every cell as BigQuery's text (or `nil` for NULL).
///
/// This type is a value type and is `Sendable`.
public struct QueryResult: Sendable, Hashable {
    /// Column names, in order.
    public let columns: [String]
    /// Each row's cells in column order: strings as BigQuery sends them (NUMERIC as exact decimal text,
    /// TIMESTAMP as int64 microseconds).
    public let rows: [[String?]]
    /// The query job's id, when BigQuery created one.
    public let jobID: String?

    public init(columns: [String], rows: [[String?]], jobID: String?) {
        self.columns = columns
        self.rows = rows
        self.jobID = jobID
    }

    /// The cell of `column` in row `row`.
    public func value(row: Int, column: String) -> String? {
        guard let index = columns.firstIndex(of: column), rows.indices.contains(row) else { return nil }
        return rows[row][index]
    }
}

/// One page of a `jobs.query` / `jobs.getQueryResults` answer.
struct QueryPage {
    let complete: Bool
    let jobID: String?
    let location: String?
    let columns: [String]
    let rows: [[String?]]
    let pageToken: String?
    /// The first error in a 200 body with no result (the emulator answers query errors this way).
    let error: (reason: String, message: String)?

    static func parse(_ document: JSONDocument) -> QueryPage {
        let columns = document["schema"]["fields"].array.compactMap { $0["name"].string }
        let rows = document["rows"].array.map { row in
            row["f"].array.map { cell -> String? in
                let value = cell["v"]
                if let text = value.string { return text }
                if value.isNull { return nil }
                // RECORD / REPEATED cells: keep their JSON text.
                guard let raw = value.value,
                    let data = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys])
                else { return nil }
                return String(decoding: data, as: UTF8.self)
            }
        }
        let firstError = document["errors"][0]
        let error: (String, String)? =
            firstError.exists && columns.isEmpty
            ? (firstError["reason"].string ?? "invalidQuery", firstError["message"].string ?? "query failed") : nil
        return QueryPage(
            complete: document["jobComplete"].bool ?? false,
            jobID: document["jobReference"]["jobId"].string,
            location: document["jobReference"]["location"].string,
            columns: columns,
            rows: rows,
            pageToken: document["pageToken"].string.flatMap { $0.isEmpty ? nil : $0 },
            error: error
        )
    }
}
