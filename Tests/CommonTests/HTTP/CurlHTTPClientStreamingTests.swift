import Common
import Foundation
import Testing

/// Large bodies and connection reuse.
@Suite struct CurlHTTPClientStreamingTests {
    /// A 100 MiB body streams through `onBody` in small pieces, without the process growing by the body's size.
    @Test func hundredMegabyteBodyStreamsInBoundedMemory() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let before = residentBytes()
        var total = 0
        var largestPiece = 0
        var peak = before
        var checksum: UInt64 = 0
        var pieces = 0
        let head = try client.perform(
            HTTPRequest(url: server.url("/large?mb=100")),
            onHead: { head in #expect(head.status == 200) },
            onBody: { piece in
                total += piece.count
                largestPiece = max(largestPiece, piece.count)
                checksum &+= UInt64(piece.last ?? 0)
                pieces += 1
                if pieces % 512 == 0 { peak = max(peak, residentBytes()) }
            }
        )
        #expect(head.headers.value(for: "Content-Length") == "\(100 << 20)")
        #expect(total == 100 << 20)
        #expect(largestPiece <= 1 << 20)
        #expect(checksum > 0)
        #expect(peak - before < 40 << 20, "resident memory grew by \(peak - before) bytes")
    }

    /// The collecting call refuses a body over its limit instead of growing without bound.
    @Test func collectingOverTheLimitIsAnError() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let error = #expect(throws: SysproBQError.self) {
            _ = try client.perform(HTTPRequest(url: server.url("/large?mb=4")), maxBodyBytes: 1 << 20)
        }
        #expect(error?.code == .protocolViolation)
        #expect(error?.disposition == .terminal)
        let fits = try client.perform(HTTPRequest(url: server.url("/large?mb=1")), maxBodyBytes: 1 << 20)
        #expect(fits.body.count == 1 << 20)
    }

    /// 500 sequential requests travel over one kept-alive connection.
    @Test func sequentialRequestsReuseOneConnection() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        var last: HTTPResponse?
        for _ in 0..<500 {
            last = try client.perform(HTTPRequest(url: server.url("/keepalive")))
        }
        #expect(last?.head.headers.value(for: "X-Connection-Requests") == "500")
        #expect(client.connectionsOpened == 1)
    }

    /// Keep-alive throughput, for the record (set SYSPRO_BQ_BENCH=1): prints requests per second.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYSPRO_BQ_BENCH"] != nil))
    func keepAliveThroughput() throws {
        let server = try TestHTTPServer()
        let client = try CurlHTTPClient()
        let count = 5000
        let start = ContinuousClock.now
        for _ in 0..<count {
            _ = try client.perform(HTTPRequest(url: server.url("/keepalive")))
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print(
            "keep-alive: \(count) GETs in \(seconds) s = \(Int(Double(count) / seconds)) req/s, connections \(client.connectionsOpened)"
        )
        #expect(client.connectionsOpened == 1)
    }
}
