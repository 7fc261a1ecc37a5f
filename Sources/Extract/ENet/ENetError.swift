import Common

/// The one place where e.net answers become errors, classified by what the caller must do (STYLE.md §9).
///
/// e.net answers HTTP 200 to everything it handles (syspro.md §2.2); a non-200 comes from http.sys/IIS
/// in front of it (a wrong base URL, a URL too long, the service stopped).
enum ENetError {
    /// The error for a non-200 answer.
    ///
    /// - Parameter secrets: the passwords, scrubbed from the body excerpt (an IIS error page may echo the URL).
    static func forStatus(
        _ head: HTTPResponseHead,
        body: [UInt8],
        url: String,
        call: String,
        secrets: [String]
    ) -> RetryableFailure {
        let status = head.status
        let excerpt = Redaction.scrub(
            scrubQueryParameters(ODataError.excerpt(body)),
            secrets: secrets + secrets.map(PercentEncoding.encode)
        )
        let cause = SysproBQError.Cause.http(status: status, bodyExcerpt: excerpt)
        let request = Redaction.url(url)
        let error: SysproBQError
        switch status {
        case 404:
            error = SysproBQError(
                .configuration,
                "e.net \(call): no REST endpoint at \(request) (HTTP 404)",
                remedy: "check the e.net baseURL (http(s)://host:port/SYSPROWCFService/Rest) and that the e.net "
                    + "Communications Load Balancer service is running with its REST endpoint enabled",
                cause: cause,
                disposition: .needsHuman
            )
        case 400, 414:
            error = SysproBQError(
                .remote,
                "e.net \(call): the server refused the request (HTTP \(status)) for \(request)",
                remedy: "the URL may be too long for http.sys: read fewer columns or smaller pages",
                cause: cause,
                disposition: .terminal
            )
        default:
            error = SysproBQError(
                .remote,
                "e.net \(call): HTTP \(status) for \(request)",
                cause: cause,
                disposition: HTTPStatusClass.disposition(forStatus: status)
            )
        }
        return RetryableFailure(
            error: error,
            serverDelay: HTTPStatusClass.retryAfterSeconds(head),
            kind: "http \(status)"
        )
    }

    /// `text` with the value of every sensitive `name=value` (``Redaction/sensitiveParameters``) replaced by
    /// `REDACTED`, whatever the password's length: error pages echo request URLs.
    static func scrubQueryParameters(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let equals = rest.firstIndex(of: "=") {
            let before = rest[..<equals]
            let nameStart =
                before.lastIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_") }).map {
                    before.index(after: $0)
                } ?? before.startIndex
            output += rest[...equals]
            rest = rest[rest.index(after: equals)...]
            guard Redaction.sensitiveParameters.contains(before[nameStart...].lowercased()) else { continue }
            let end =
                rest.firstIndex(where: { $0 == "&" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "<" })
                ?? rest.endIndex
            output += "REDACTED"
            rest = rest[end...]
        }
        return output + rest
    }

    static func logonRefused(
        _ message: String,
        operatorName: String,
        company: String,
        server: String
    )
        -> SysproBQError
    {
        SysproBQError(
            .credentials,
            "e.net Logon at \(Redaction.url(server)) refused operator '\(operatorName)' for company \(company): \(message)",
            remedy: "check the operator name and password, the company id and company password, and that the "
                + "operator is not locked or out of licence seats",
            disposition: .needsHuman
        )
    }

    static func notLicensed(_ message: String, businessObject: String) -> SysproBQError {
        SysproBQError(
            .remote,
            "e.net business object \(businessObject) is not licensed or not installed (\(message))",
            remedy: "license the \(businessObject) business object for this site or operator, or use OData",
            disposition: .needsHuman
        )
    }

    static func failed(_ message: String, call: String) -> SysproBQError {
        SysproBQError(
            .remote,
            "e.net \(call) failed: \(message)",
            remedy: "SYSPRO refused the request with the error above (the same request fails the same way again): "
                + "check the table and its columns against this SYSPRO version, or remove the table from the run",
            disposition: .terminal
        )
    }

    static func sessionLost(_ message: String, call: String) -> SysproBQError {
        SysproBQError(
            .remote,
            "e.net \(call): the session was refused again after a fresh logon: \(message)",
            remedy: "if this repeats, check the e.net session settings; sessionErrorWords decides which errors count "
                + "as session errors",
            disposition: .retryable
        )
    }
}
