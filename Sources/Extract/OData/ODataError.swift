import Common

/// The one place where OData HTTP statuses become errors, classified by what the caller must do
/// (STYLE.md §9; statuses from syspro.md §1.4 and ASP.NET OData behaviour).
enum ODataError {
    /// What the failed request was for, to word the error.
    enum Target {
        /// The service root or `$metadata`.
        case service
        /// An entity set (a page or a probe).
        case entity(String)
    }

    /// The error for a non-2xx answer.
    ///
    /// - Parameters:
    ///   - head: the response head (status, `Retry-After`).
    ///   - body: the start of the body (an OData error body `{"error":{"code","message"}}`, an IIS page…).
    static func forStatus(
        _ head: HTTPResponseHead,
        body: [UInt8],
        url: String,
        target: Target,
        company: String,
        operatorName: String
    ) -> RetryableFailure {
        let status = head.status
        let serverMessage = message(in: body)
        let cause = SysproBQError.Cause.http(status: status, bodyExcerpt: serverMessage ?? excerpt(body))
        let request = Redaction.url(url)
        let error: SysproBQError
        switch (status, target) {
        // IIS answers bad Basic credentials with 401 and `WWW-Authenticate: Basic`.
        case (401, _):
            error = SysproBQError(
                .credentials,
                "OData refused operator '\(operatorName)' (HTTP 401) for \(request)",
                remedy:
                    "check the operator name/password and that the operator is enabled for OData; the OData service "
                    + "loads operators at start-up, so restart it after enabling",
                cause: cause,
                disposition: .needsHuman
            )
        // Forbidden: authenticated, but the operator may not use OData (or this company).
        case (403, _):
            error = SysproBQError(
                .credentials,
                "OData forbids operator '\(operatorName)' (HTTP 403) for company \(company) at \(request)",
                remedy: "enable the operator for OData access in SYSPRO Operator Maintenance (and for this company), "
                    + "then restart the OData service, which loads operators at start-up",
                cause: cause,
                disposition: .needsHuman
            )
        case (404, .service):
            error = SysproBQError(
                .configuration,
                "OData service not found (HTTP 404) at \(request)",
                remedy: "OData is not installed or the service root URL / company path is wrong: check the OData "
                    + "serviceRoot (e.g. https://server/SYSPRO8Odata/SYSPROOData) and the path templates; OData needs "
                    + "SYSPRO 8 2021 R2 or later — use e.net on SYSPRO 7",
                cause: cause,
                disposition: .needsHuman
            )
        case (404, .entity(let table)):
            error = SysproBQError(
                .configuration,
                "OData has no table '\(table)' for company \(company) (HTTP 404) at \(request)",
                remedy: "check the table name (case matters) and the company id, or remove the table from the run; "
                    + "if every table answers 404, odata_url is not the OData service root or OData is not installed "
                    + "on this SYSPRO server",
                cause: cause,
                disposition: .terminal
            )
        // A bad $filter/$orderby/$select: the same query fails the same way again.
        case (400, _):
            let entity: String
            if case .entity(let table) = target { entity = " for \(table)" } else { entity = "" }
            error = SysproBQError(
                .remote,
                "OData rejected the query\(entity): \(serverMessage ?? "HTTP 400"); query: \(request)",
                remedy: "a catalog column or filter the service does not support; check the entry's columns against "
                    + "$metadata, or set pagingMode to skip",
                cause: cause,
                disposition: .terminal
            )
        default:
            let disposition = HTTPStatusClass.disposition(forStatus: status)
            error = SysproBQError(
                .remote,
                "OData answered HTTP \(status) for \(request)\(serverMessage.map { ": \($0)" } ?? "")",
                remedy: disposition == .retryable ? "the server is busy or failing; the request is retried" : nil,
                cause: cause,
                disposition: disposition
            )
        }
        return RetryableFailure(
            error: error,
            serverDelay: HTTPStatusClass.retryAfterSeconds(head),
            kind: "http \(status)"
        )
    }

    /// The `error.message` of an OData error body, if the body is one.
    static func message(in body: [UInt8]) -> String? {
        var scanner = ODataPageScanner(entity: "error body", columns: [])
        do {
            try body.withUnsafeBytes { try scanner.feed($0) { _ in } }
            try scanner.finish()
        } catch {
            return nil
        }
        guard scanner.sawError else { return nil }
        let code = scanner.errorCode.flatMap { $0.isEmpty ? nil : $0 }
        let message = scanner.errorMessage ?? ""
        return code.map { "\(message) (\($0))" } ?? message
    }

    /// A 200 response that carries an OData error body.
    static func errorBodyWithSuccessStatus(message: String, url: String) -> SysproBQError {
        SysproBQError(
            .remote,
            "OData returned an error for \(Redaction.url(url)): \(message)",
            disposition: .terminal
        )
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return body.count > 300 ? text + "…" : text
    }
}
