import Common
import Logging

/// Sends OData requests and classifies the answers; streams page bodies into a scanner.
///
/// Not thread-safe (it uses one transport); the per-server request limit is taken around each exchange.
final class ODataClient {
    let configuration: ODataConfiguration
    let builder: ODataRequestBuilder
    let transport: any HTTPTransport
    let logger: Logger

    /// Error bodies are read up to this size; the rest is dropped.
    static let maximumErrorBodyBytes = 64 * 1024
    /// `$metadata` documents are read whole, up to this size.
    static let maximumMetadataBytes = 64 << 20

    init(configuration: ODataConfiguration, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.builder = ODataRequestBuilder(configuration: configuration)
        self.transport = transport
        self.logger = logger
    }

    /// GETs `url` and returns the whole body of a 2xx answer.
    ///
    /// - Throws: ``RetryableFailure`` for error statuses, `SysproBQError` for transport failures.
    func fetchWhole(_ request: HTTPRequest, target: ODataError.Target, company: String) throws -> [UInt8] {
        let response = try ServerPermits.shared.withPermit(
            url: request.url,
            limit: configuration.maximumConcurrentRequests
        ) {
            try transport.perform(request, maxBodyBytes: Self.maximumMetadataBytes)
        }
        if (200..<300).contains(response.status),
            response.head.headers.value(for: "Content-Type")?.lowercased().hasPrefix("text/html") == true
        {
            // An IIS or proxy page in place of the document, as for data pages (``fetchPage``): a human's job.
            throw Self.htmlPage(table: "$metadata", url: request.url, expected: "the $metadata XML document")
        }
        guard (200..<300).contains(response.status) else {
            throw ODataError.forStatus(
                response.head,
                body: Array(response.body.prefix(Self.maximumErrorBodyBytes)),
                url: request.url,
                target: target,
                company: company,
                operatorName: configuration.operatorName
            )
        }
        return response.body
    }

    /// GETs a page and feeds its body to `scanner`, chunk by chunk, as it arrives.
    ///
    /// - Returns: the bytes received.
    /// - Throws: ``RetryableFailure`` for error statuses; `SysproBQError` for transport failures, an HTML page,
    ///   or malformed JSON; what `onRow` throws.
    func fetchPage(
        url: String,
        table: String,
        company: String,
        scanner: inout ODataPageScanner,
        onRow: (RawRow) throws -> Void
    ) throws -> Int {
        let request = builder.request(url: url)
        var status = 0
        var errorBody: [UInt8] = []
        var bytes = 0
        let head = try ServerPermits.shared.withPermit(url: url, limit: configuration.maximumConcurrentRequests) {
            try transport.perform(
                request,
                onHead: { head in
                    status = head.status
                    let type = head.headers.value(for: "Content-Type")?.lowercased() ?? ""
                    if (200..<300).contains(status), type.hasPrefix("text/html") {
                        throw Self.htmlPage(table: table, url: url)
                    }
                },
                onBody: { chunk in
                    bytes += chunk.count
                    if (200..<300).contains(status) {
                        try scanner.feed(chunk, onRow: onRow)
                    } else if errorBody.count < Self.maximumErrorBodyBytes {
                        errorBody.append(contentsOf: chunk.prefix(Self.maximumErrorBodyBytes - errorBody.count))
                    }
                }
            )
        }
        guard (200..<300).contains(head.status) else {
            throw ODataError.forStatus(
                head,
                body: errorBody,
                url: url,
                target: .entity(table),
                company: company,
                operatorName: configuration.operatorName
            )
        }
        try scanner.finish()
        if scanner.sawError {
            throw ODataError.errorBodyWithSuccessStatus(message: scanner.errorMessage ?? "(no message)", url: url)
        }
        return bytes
    }

    static func htmlPage(table: String, url: String, expected: String = "OData JSON") -> SysproBQError {
        SysproBQError(
            .protocolViolation,
            "OData response for \(table): the server answered with an HTML page (Content-Type text/html) instead of "
                + "\(expected), for \(Redaction.url(url))",
            remedy: "an IIS or proxy page answered: check the OData service root URL and company path, that the SYSPRO "
                + "OData service is installed and its IIS application pool is running",
            disposition: .needsHuman
        )
    }
}
