internal import CCurl
public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The production ``HTTPTransport``: HTTP/1.1 and HTTP/2 over libcurl, with one reusable easy handle.
///
/// Reusing the handle reuses its connections (keep-alive), so a client that sends many requests to one
/// server opens one TCP (and TLS) connection, not one per request; ``connectionsOpened`` shows it.
///
/// Every request sends `User-Agent` from the configuration (`syspro-bq/<version>` by default; a request
/// header of that name replaces it), never sends `Expect: 100-continue` (a server that ignores it would
/// stall each upload by a second), verifies TLS certificates unless configured not to, and is limited by
/// the connect and total timeouts. Bodies are streamed both ways: a file body is read as it is sent, and the
/// response body goes to the caller piece by piece.
///
/// Thread-safety: **not thread-safe, and deliberately not `Sendable`.** A libcurl easy handle may be used
/// by one thread at a time; use one client per thread. `perform` blocks the calling thread, so call it
/// from a dedicated thread or queue, not from many tasks of the small concurrency pool.
///
/// Logging: one debug line per request with the method, the redacted URL, the status and the byte count;
/// never headers, bodies or credentials.
public final class CurlHTTPClient: HTTPTransport {
    public let configuration: HTTPClientConfiguration
    /// New connections opened so far (the sum of `CURLINFO_NUM_CONNECTS` over all transfers). With
    /// keep-alive working this stays at 1 for any number of sequential requests to one server.
    public private(set) var connectionsOpened = 0

    private let handle: CurlEasyHandle
    private let logger: Logger?

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: settings that hold for every request.
    ///   - logger: where to log one debug line per request; nil logs nothing.
    /// - Throws: an `.internalError` if libcurl cannot be initialised.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(), logger: Logger? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        handle = try CurlEasyHandle()
    }

    public func perform(
        _ request: HTTPRequest,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        try request.validate()
        // The transfer holds the closures only while `curl_easy_perform` runs, so they do not really escape.
        return try withoutActuallyEscaping(onHead) { onHead in
            try withoutActuallyEscaping(onBody) { onBody in
                let transfer = CurlTransfer(
                    followsRedirects: configuration.maxRedirects > 0,
                    onHead: onHead,
                    onBody: onBody
                )
                return try run(request, transfer: transfer)
            }
        }
    }

    /// libcurl's largest receive buffer (`CURL_MAX_READ_SIZE`).
    static let receiveBufferBytes = 512 * 1024

    private func run(_ request: HTTPRequest, transfer: CurlTransfer) throws -> HTTPResponseHead {
        // Options stick to a reused handle: start every request from the defaults (connections survive).
        try handle.reset()
        try applyOptions(for: request)

        let headerList = try CurlHeaderList(lines: Self.headerLines(for: request))
        try handle.set(headerList: headerList)
        // Uninstall the list before it can be freed: the handle must never hold a dangling list.
        defer { withExtendedLifetime(headerList) { handle.clearHeaderList() } }

        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        try handle.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        try handle.set(CURLOPT_HEADERDATA, pointer: userdata)
        try handle.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        try handle.set(CURLOPT_WRITEDATA, pointer: userdata)

        let code = try withBody(of: request) {
            // The transfer and the header list are reached from C by pointer only: keep both alive.
            withExtendedLifetime((transfer, headerList)) { handle.perform() }
        }
        connectionsOpened += handle.info(CURLINFO_NUM_CONNECTS) ?? 0

        guard code == CURLE_OK else {
            if let callbackError = transfer.callbackError { throw callbackError }
            let error = CurlFailure.error(code: code, detail: handle.errorText, request: request)
            logger?.debug(
                "HTTP request failed",
                metadata: [
                    "http.method": "\(request.method.rawValue)", "http.url": "\(Redaction.url(request.url))",
                    "curl.code": "\(code.rawValue)",
                ]
            )
            throw error
        }
        let head = try transfer.finish(fallbackStatus: handle.info(CURLINFO_RESPONSE_CODE) ?? 0)
        logger?.debug(
            "HTTP request finished",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.url": "\(Redaction.url(request.url))",
                "http.status": "\(head.status)", "http.body_bytes": "\(transfer.bodyBytes)",
            ]
        )
        return head
    }

    /// Sets everything but the body, the header list and the callbacks.
    private func applyOptions(for request: HTTPRequest) throws {
        try handle.set(CURLOPT_URL, request.url)
        // Signals would be used for DNS timeouts; they are unsafe in a multi-threaded program.
        try handle.set(CURLOPT_NOSIGNAL, true)
        // Never file://, ftp:// and the like, even through a redirect.
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try handle.set(
            CURLOPT_CONNECTTIMEOUT_MS,
            Self.milliseconds(request.connectTimeout ?? configuration.connectTimeout)
        )
        try handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout ?? configuration.totalTimeout))
        if let lowSpeed = configuration.lowSpeedTimeout {
            try handle.set(CURLOPT_LOW_SPEED_LIMIT, lowSpeed.bytesPerSecond)
            try handle.set(CURLOPT_LOW_SPEED_TIME, lowSpeed.seconds)
        }
        try handle.set(CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS)
        try handle.set(CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0)
        if let caBundlePath = configuration.caBundlePath {
            try handle.set(CURLOPT_CAINFO, caBundlePath)
        }
        try handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        try handle.set(CURLOPT_FOLLOWLOCATION, configuration.maxRedirects > 0)
        try handle.set(CURLOPT_MAXREDIRS, configuration.maxRedirects)
        try handle.set(CURLOPT_TCP_KEEPALIVE, true)
        // libcurl reads the socket 16 KiB at a time by default: a 2.4 MB OData page took ~150 poll + recvfrom
        // pairs and body callbacks. Its maximum (512 KiB) cuts that several-fold; the buffer is per handle.
        try handle.set(CURLOPT_BUFFERSIZE, Self.receiveBufferBytes)
        // A proxy's "200 Connection established" head must not be mistaken for the server's response.
        try handle.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, true)
        if let credentials = request.basicAuth {
            // libcurl copies both strings; the next reset() wipes them from the handle.
            try handle.set(CURLOPT_HTTPAUTH, Int(bitPattern: UInt(CCurl_auth_basic)))
            try handle.set(CURLOPT_USERNAME, credentials.user)
            try handle.set(CURLOPT_PASSWORD, credentials.password)
        }
        switch request.method {
        case .get: try handle.set(CURLOPT_HTTPGET, true)
        case .head: try handle.set(CURLOPT_NOBODY, true)
        case .post: break
        case .put, .patch, .delete: try handle.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
    }

    /// Installs the request body, runs `perform` while the body's memory or file is valid, and returns its code.
    ///
    /// Every body is sent with POST semantics (`CURLOPT_POST` plus `CUSTOMREQUEST` for PUT, PATCH and DELETE)
    /// and an exact `Content-Length`, never chunked.
    private func withBody(of request: HTTPRequest, perform: () -> CURLcode) throws -> CURLcode {
        guard request.method.allowsBody else { return perform() }
        switch request.body {
        case .none where request.method == .delete:
            return perform()
        case .none:
            try setEmptyBody()
            return perform()
        case .bytes(let bytes) where bytes.isEmpty:
            try setEmptyBody()
            return perform()
        case .bytes(let bytes):
            // CURLOPT_POSTFIELDS does not copy: the bytes must stay put until the transfer ends.
            return try bytes.withUnsafeBytes { buffer in
                try handle.set(CURLOPT_POST, true)
                try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(buffer.count))
                try handle.set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                return perform()
            }
        case .file(let path):
            return try withOpenFile(path, request: request) { file, size in
                // No CURLOPT_READFUNCTION: libcurl's default reader is fread() on CURLOPT_READDATA, and only
                // with that default can libcurl rewind the body (fseek) when it must resend it, e.g. after
                // a kept-alive connection turns out to be closed by the server.
                try handle.set(CURLOPT_POST, true)
                try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: size)
                try handle.set(CURLOPT_READDATA, pointer: UnsafeMutableRawPointer(file))
                return perform()
            }
        }
    }

    /// A zero-length body. CURLOPT_POST alone would read the body from stdin; COPYPOSTFIELDS copies "".
    private func setEmptyBody() throws {
        try handle.set(CURLOPT_POST, true)
        try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0)
        try handle.set(CURLOPT_COPYPOSTFIELDS, "")
    }

    /// Opens a regular file for reading, runs `body` with the `FILE *` and the file's size, and closes it.
    private func withOpenFile(
        _ path: String,
        request: HTTPRequest,
        _ body: (UnsafeMutablePointer<FILE>, Int64) throws -> CURLcode
    ) throws -> CURLcode {
        guard let file = fopen(path, "rb") else {
            throw SysproBQError(
                .fileSystem,
                "\(request) failed: the body file \(path) cannot be opened",
                cause: .errno(errno, call: "fopen"),
                disposition: .needsHuman
            )
        }
        defer { fclose(file) }  // read-only: a close error loses nothing
        var info = stat()
        guard fstat(fileno(file), &info) == 0 else {
            throw SysproBQError(
                .fileSystem,
                "\(request) failed: the body file \(path) cannot be examined",
                cause: .errno(errno, call: "fstat"),
                disposition: .needsHuman
            )
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SysproBQError(
                .internalError,
                "\(request) failed: the body file \(path) is not a regular file",
                disposition: .terminal
            )
        }
        return try body(file, Int64(info.st_size))
    }

    /// The request's header lines, plus the lines that switch off libcurl defaults we do not want.
    static func headerLines(for request: HTTPRequest) -> [String] {
        var lines = request.headers.map { header in
            // "Name;" is libcurl's way to send a header with an empty value ("Name:" would remove it).
            header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
        }
        if request.headers.value(for: "Expect") == nil {
            lines.append("Expect:")
        }
        if request.method.allowsBody, request.headers.value(for: "Content-Type") == nil {
            // libcurl labels POST bodies application/x-www-form-urlencoded unless told otherwise.
            lines.append("Content-Type:")
        }
        return lines
    }

    /// libcurl takes milliseconds, and 0 means "no limit": never let a tiny timeout become no timeout.
    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return 0 }
        return max(1, Int((seconds * 1000).rounded(.up)))
    }
}

@available(*, unavailable, message: "A libcurl easy handle must be used by one thread at a time.")
extension CurlHTTPClient: Sendable {}
