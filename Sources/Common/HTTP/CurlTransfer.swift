internal import CCurl

/// The state of one libcurl transfer, reached from the C callbacks through their `userdata` pointer.
///
/// It parses header lines into ``HTTPResponseHead``s, hands the final head and the body pieces to the
/// caller's closures, and keeps the first error a closure threw, because a C callback cannot throw: it
/// returns a short count instead, libcurl aborts with `CURLE_WRITE_ERROR`, and the client rethrows the
/// kept error.
///
/// Lifetime: the client passes it to libcurl with `Unmanaged.passUnretained` and keeps it alive with
/// `withExtendedLifetime` for the whole `curl_easy_perform`. Not thread-safe; used by one transfer.
final class CurlTransfer {
    private let onHead: (HTTPResponseHead) throws -> Void
    private let onBody: (UnsafeRawBufferPointer) throws -> Void
    /// Whether 3xx heads with a `Location` are interim (libcurl follows them) rather than final.
    private let followsRedirects: Bool

    /// The head being parsed, from its status line to its blank line.
    private var pendingStatus: Int?
    private var pendingHeaders: [HTTPHeader] = []
    /// The last complete head, and whether it was handed to `onHead`.
    private(set) var finalHead: HTTPResponseHead?
    private var headDelivered = false
    /// The first error thrown by `onHead` or `onBody`.
    private(set) var callbackError: (any Error)?
    /// Body bytes handed to `onBody`.
    private(set) var bodyBytes: Int64 = 0

    init(
        followsRedirects: Bool,
        onHead: @escaping (HTTPResponseHead) throws -> Void,
        onBody: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) {
        self.followsRedirects = followsRedirects
        self.onHead = onHead
        self.onBody = onBody
    }

    /// Takes one header line, CRLF included, as libcurl passes it. Returns false to abort the transfer.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Strip CR LF as bytes: as a String, "\r\n" is one Character.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let line = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self))

        if line.hasPrefix("HTTP/") {
            // A status line starts a new head: an interim 1xx, a redirect, or the final response.
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            pendingStatus = fields.count >= 2 ? Int(fields[1]) : nil
            pendingHeaders = []
            return true
        }
        guard let status = pendingStatus else {
            // Trailer fields after a chunked body, or lines after the final head: not part of any head.
            return true
        }
        if line.isEmpty {
            pendingStatus = nil
            let head = HTTPResponseHead(status: status, headers: pendingHeaders)
            if status < 200 { return true }  // 100 Continue, 103 Early Hints: another head follows.
            if followsRedirects, (300..<400).contains(status), head.headers.value(for: "Location") != nil {
                return true  // libcurl follows it; the body of a followed redirect is never delivered.
            }
            finalHead = head
            return deliverHead()
        }
        if line.first == " " || line.first == "\t", !pendingHeaders.isEmpty {
            // Obsolete line folding (RFC 9112 §5.2): a continuation of the previous field's value.
            pendingHeaders[pendingHeaders.count - 1].value += " " + line.trimmingSpaces()
            return true
        }
        if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            pendingHeaders.append(HTTPHeader(name: name, value: value))
        }
        return true
    }

    /// Takes one piece of the body. Returns false to abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard callbackError == nil else { return false }
        guard deliverHead() else { return false }
        do {
            try onBody(bytes)
            bodyBytes += Int64(bytes.count)
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    /// Hands `finalHead` to `onHead` once. Returns false if `onHead` threw.
    private func deliverHead() -> Bool {
        guard !headDelivered, let head = finalHead else { return callbackError == nil }
        headDelivered = true
        do {
            try onHead(head)
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    /// Makes sure the caller saw the head of a response without a body, then returns it.
    /// - Throws: what `onHead` threw.
    func finish(fallbackStatus: Int) throws -> HTTPResponseHead {
        if finalHead == nil {
            finalHead = HTTPResponseHead(status: fallbackStatus, headers: [])
        }
        _ = deliverHead()
        if let callbackError { throw callbackError }
        return finalHead!
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

// The C callbacks. They capture nothing (a capturing @convention(c) closure crashes the Swift 6.3.1
// compiler, swift-c-interop.md pitfall 15): the transfer arrives through `userdata`. They return the byte
// count they were given to continue, and 0 to make libcurl abort the transfer.

/// `CURLOPT_HEADERFUNCTION`: one call per header line of every response head.
let curlHeaderCallback: CCurl_data_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data.map { UnsafeRawPointer($0) }, count: length)
    return transfer.receiveHeaderLine(bytes) ? length : 0
}

/// `CURLOPT_WRITEFUNCTION`: one call per piece of the final response's body.
let curlWriteCallback: CCurl_data_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data.map { UnsafeRawPointer($0) }, count: length)
    return transfer.receiveBody(bytes) ? length : 0
}
