import Common

/// Runs `jobs.query` for verification and reconciliation, following `jobComplete: false` and page tokens
/// through `jobs.getQueryResults`.
///
/// Errors are recognised in both shapes: HTTP 400 `invalidQuery` (BigQuery) and HTTP 200 with an `errors`
/// array and no schema (the emulator). A `jobComplete: false` answer is never taken as a result.
///
/// Thread-safety: not thread-safe; it uses one ``BigQueryClient``.
struct QueryClient {
    let client: BigQueryClient

    /// Runs `request` and returns every row.
    func run(_ request: QueryRequest) throws -> QueryResult {
        let paths = client.paths
        let first = try client.call(
            client.jsonRequest(.post, paths.queriesURL, body: request.body(location: paths.location)),
            operation: "query"
        )
        var page = try read(first.body)
        var columns = page.columns
        var rows = page.rows
        let jobID = page.jobID
        var polls = 0
        while !page.complete || page.pageToken != nil {
            guard let jobID else {
                throw SysproBQError(
                    .protocolViolation,
                    "query: the answer is incomplete but names no job to follow",
                    disposition: .retryable
                )
            }
            if !page.complete {
                polls += 1
                guard polls <= 1000 else {
                    throw SysproBQError(.remote, "query job \(jobID) did not complete", disposition: .retryable)
                }
            }
            let url = paths.queryResultsURL(
                jobID: jobID,
                location: page.location,
                pageToken: page.complete ? page.pageToken : nil,
                timeoutMs: request.timeoutMs,
                maxResults: request.maxResults
            )
            let wasComplete = page.complete
            page = try read(try client.call(client.jsonRequest(.get, url), operation: "query job \(jobID)").body)
            if !wasComplete {
                // The first complete answer starts the rows afresh.
                if page.complete {
                    columns = page.columns
                    rows = page.rows
                }
            } else {
                rows += page.rows
            }
        }
        return QueryResult(columns: columns, rows: rows, jobID: jobID)
    }

    private func read(_ body: [UInt8]) throws -> QueryPage {
        let page = QueryPage.parse(try JSONDocument.parse(body, context: "query"))
        if let error = page.error {
            throw SysproBQError(
                .remote,
                "query failed (\(error.reason)): \(error.message)",
                cause: .http(status: 200, bodyExcerpt: excerpt(body)),
                disposition: .terminal
            )
        }
        return page
    }
}
