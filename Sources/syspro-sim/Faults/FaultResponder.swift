import LocalServer

/// Writes an injected fault in place of a real response.
enum FaultResponder {
    static let iisErrorPage = """
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>IIS 10.0 Detailed Error - 500.19 - Internal Server Error</title></head>
        <body><div id="content"><div class="content-container"><h1>HTTP Error 500.19 - Internal Server Error</h1>
        <h2>The requested page cannot be accessed because the related configuration data for the page is invalid.</h2>
        </div></div></body></html>

        """

    /// Answers with `kind`; `body` is the real response body (used by the byte-level faults),
    /// `errorBody` is what a 429/500/503 carries.
    static func respond(
        _ kind: FaultKind,
        writer: ResponseWriter,
        contentType: String,
        body: [UInt8],
        errorBody: [UInt8],
        hangSeconds: Double,
        extraHeaders: [(String, String)] = []
    ) {
        let headers = [("Content-Type", contentType)] + extraHeaders
        switch kind {
        case .tooManyRequests, .internalError, .unavailable:
            writer.respond(status: Int(kind.rawValue)!, headers: headers + [("Retry-After", "1")], body: errorBody)
        case .hang:
            writer.hang(seconds: hangSeconds)
        case .reset:
            writer.sendTruncated(status: 200, headers: headers, body: body, deliver: body.count / 2, reset: true)
        case .truncate:
            writer.sendTruncated(status: 200, headers: headers, body: body, deliver: body.count / 2)
        case .html200:
            writer.respond(
                status: 200,
                headers: [("Content-Type", "text/html")] + extraHeaders,
                body: Array(iisErrorPage.utf8)
            )
        case .badjson:
            writer.respond(status: 200, headers: headers, body: cutInsideRow(body))
        case .session:
            writer.respond(status: 200, headers: headers, body: errorBody)
        }
    }

    /// Cuts a body in the middle of its second half, so a row is left unterminated.
    static func cutInsideRow(_ body: [UInt8]) -> [UInt8] {
        guard body.count > 8 else { return Array(body.prefix(body.count / 2)) }
        return Array(body.prefix(body.count / 2 + body.count / 7))
    }
}
