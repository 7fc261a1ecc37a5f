import Common
import Foundation
import Testing

/// The fault-injecting test double that Extract and Load tests use.
@Suite struct ScriptedHTTPTransportTests {
    /// Every request is recorded with its method, URL, headers and body, file bodies included.
    @Test func recordsRequestsAndBodies() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("body.json").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("{\"a\":1}".utf8)))
        let transport = ScriptedHTTPTransport { request in
            .respond(status: 200, text: request.method.rawValue)
        }
        _ = try transport.perform(
            HTTPRequest(
                method: .post,
                url: "http://bq.test/insertAll",
                headers: [HTTPHeader("X-A", "1")],
                body: .bytes([1, 2])
            )
        )
        _ = try transport.perform(HTTPRequest(method: .put, url: "http://bq.test/upload", body: .file(path: path)))
        _ = try transport.perform(HTTPRequest(url: "http://bq.test/get"))
        #expect(transport.requests.map(\.method) == [.post, .put, .get])
        #expect(
            transport.requests.map(\.url) == [
                "http://bq.test/insertAll", "http://bq.test/upload", "http://bq.test/get",
            ]
        )
        #expect(transport.requests[0].headers.value(for: "x-a") == "1")
        #expect(transport.requestBodies == [[1, 2], Array("{\"a\":1}".utf8), []])
    }

    /// A scripted sequence replays statuses and faults in order, each fault classified as libcurl's would be.
    @Test func replaysFaultsInOrder() throws {
        let transport = ScriptedHTTPTransport(responses: [
            .timeout, .reset, .respond(status: 503, text: "busy"), .respond(status: 200, text: "ok"),
        ])
        let request = HTTPRequest(url: "http://sim.test/odata/ApInvoice?$top=2")
        let timeout = #expect(throws: SysproBQError.self) { _ = try transport.perform(request) }
        #expect(timeout?.code == .transport)
        #expect(timeout?.disposition == .retryable)
        #expect(timeout?.cause == .curl(code: 28, text: "Operation timed out (scripted)"))
        let reset = #expect(throws: SysproBQError.self) { _ = try transport.perform(request) }
        #expect(reset?.disposition == .retryable)
        guard case .curl(56, _)? = reset?.cause else {
            Issue.record("reset should be CURLE_RECV_ERROR, got \(String(describing: reset?.cause))")
            return
        }
        #expect(try transport.perform(request).status == 503)
        #expect(try transport.perform(request).body == Array("ok".utf8))
        let beyond = #expect(throws: SysproBQError.self) { _ = try transport.perform(request) }
        #expect(beyond?.code == .internalError)
        #expect(transport.requests.count == 5)
    }

    /// A truncated response delivers exactly its prefix, in pieces, then fails as a partial body.
    @Test func truncatedDeliversThePrefixThenFails() throws {
        let body = (0..<100).map { UInt8($0) }
        let transport = ScriptedHTTPTransport(chunkSize: 16) { _ in
            .truncated(status: 200, headers: [HTTPHeader("Content-Length", "100")], body: body, deliverBytes: 40)
        }
        var received: [UInt8] = []
        var pieces = 0
        var status = 0
        let error = #expect(throws: SysproBQError.self) {
            _ = try transport.perform(
                HTTPRequest(url: "http://bq.test/x"),
                onHead: { status = $0.status },
                onBody: {
                    received += $0
                    pieces += 1
                }
            )
        }
        #expect(status == 200)
        #expect(received == Array(body.prefix(40)))
        #expect(pieces == 3)
        #expect(error?.code == .transport)
        #expect(error?.disposition == .retryable)
        guard case .curl(18, _)? = error?.cause else {
            Issue.record("truncation should be CURLE_PARTIAL_FILE, got \(String(describing: error?.cause))")
            return
        }
    }

    /// A scripted error is thrown as given, and HEAD responses carry no body.
    @Test func scriptedErrorAndHead() throws {
        let refused = SysproBQError(.transport, "TLS verify failed", disposition: .needsHuman)
        let transport = ScriptedHTTPTransport { request in
            request.method == .head ? .respond(status: 200, text: "ignored") : .transportError(refused)
        }
        let error = #expect(throws: SysproBQError.self) {
            _ = try transport.perform(HTTPRequest(url: "https://x.test/"))
        }
        #expect(error == refused)
        let head = try transport.perform(HTTPRequest(method: .head, url: "https://x.test/"))
        #expect(head.body.isEmpty)
    }

    /// The double refuses what the real client refuses, before recording or answering.
    @Test func refusesInvalidRequestsLikeTheRealClient() throws {
        let transport = ScriptedHTTPTransport { _ in .respond(status: 200) }
        let injected = #expect(throws: SysproBQError.self) {
            _ = try transport.perform(HTTPRequest(url: "http://x.test/", headers: [HTTPHeader("X-A", "1\nX-B: 2")]))
        }
        #expect(injected?.code == .invalidData)
        let getWithBody = #expect(throws: SysproBQError.self) {
            _ = try transport.perform(HTTPRequest(url: "http://x.test/", body: .bytes([1])))
        }
        #expect(getWithBody?.code == .internalError)
        #expect(transport.requests.isEmpty)
    }

    /// The double can be shared across threads: concurrent requests are all recorded.
    @Test func recordsConcurrentRequests() {
        let transport = ScriptedHTTPTransport { _ in .respond(status: 204) }
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            _ = try? transport.perform(HTTPRequest(url: "http://x.test/\(index)"))
        }
        #expect(transport.requests.count == 200)
        #expect(Set(transport.requests.map(\.url)).count == 200)
    }
}
