import Foundation
import LocalServer
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a server with `handler`, runs `body` with its port, and always stops it.
func withServer(
    _ handler: @escaping LocalHTTPServer.Handler,
    _ body: (UInt16) throws -> Void
) throws {
    let server = LocalHTTPServer(logger: Logger(label: "test"), handler: handler)
    let port = try server.start()
    defer { server.stop() }
    try body(port)
}

/// Echoes method, decoded path, query items and body so tests can check parsing.
let echoHandler: LocalHTTPServer.Handler = { request, writer in
    var text = "\(request.method) \(request.path)\n"
    for item in request.queryItems { text += "q[\(item.name)]=\(item.value)\n" }
    text += "remote=\(request.remoteAddress)\n"
    text += "body=\(request.body.count)\n"
    writer.respond(status: 200, headers: [("Content-Type", "text/plain")], body: Array(text.utf8) + request.body)
}

@Suite struct LocalHTTPServerTests {
    /// One connection serves 100 sequential requests without being closed.
    @Test func keepAliveServesHundredRequestsOnOneConnection() throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            var remotes = Set<String>()
            for i in 0..<100 {
                let response = try client.request("/n/\(i)")
                #expect(response.status == 200)
                let text = String(decoding: response.body, as: UTF8.self)
                #expect(text.hasPrefix("GET /n/\(i)\n"))
                remotes.insert(text.split(separator: "\n").first { $0.hasPrefix("remote=") }.map(String.init) ?? "")
                #expect(response.header("Connection") == nil)
            }
            #expect(remotes.count == 1)
        }
    }

    /// A chunked request body is reassembled byte for byte.
    @Test func chunkedRequestBodyIsReassembled() throws {
        let received = Mutex<[UInt8]>([])
        try withServer(
            { request, writer in
                received.withLock { $0 = request.body }
                writer.respond(status: 204)
            },
            { port in
                let client = try RawClient(port: port)
                client.send(
                    "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
                )
                let response = try client.readResponse()
                #expect(response.status == 204)
                #expect(received.withLock { $0 } == Array("hello, world".utf8))
            }
        )
    }

    /// `Expect: 100-continue` gets an interim 100 before the body is sent.
    @Test func expectContinueIsAnswered() throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            client.send("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            client.send("abc")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(String(decoding: final.body, as: UTF8.self).hasSuffix("body=3\nabc"))
        }
    }

    /// Bytes that are not HTTP get a 400 and the connection is closed.
    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET /x HTTP/9.9\r\n\r\n",
        "GET x HTTP/1.1\r\n\r\n",
        "GET /x HTTP/1.1\r\nNoColonHere\r\n\r\n",
        "GET /%zz HTTP/1.1\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: -4\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
        "\u{01}\u{02}\u{03}\r\n\r\n",
    ])
    func malformedRequestGets400(raw: String) throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            client.send(raw)
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(try client.readToEnd().isEmpty)
        }
    }

    /// A head larger than the limit gets 431.
    @Test func oversizedHeadGets431() throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n")
            #expect(try client.readResponse().status == 431)
        }
    }

    /// The path is percent-decoded, query values too, and `+` stays a plus sign.
    @Test func queryItemsAreDecodedWithoutPlusAsSpace() throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            let response = try client.request("/a%20b/c?x=1+2&y=%27a%27&z&x=%E2%82%AC")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains("GET /a b/c\n"))
            #expect(text.contains("q[x]=1+2\n"))
            #expect(text.contains("q[y]='a'\n"))
            #expect(text.contains("q[z]=\n"))
            #expect(text.contains("q[x]=€\n"))
        }
    }

    /// Form bodies decode `+` as a space through the helper.
    @Test func formItemsDecodePlusAsSpace() {
        let request = ServerRequest(
            method: "POST",
            target: "/",
            path: "/",
            rawQuery: "",
            queryItems: [],
            headers: [("CONTENT-type", "x")],
            body: Array("a=1+2&b=%2B".utf8),
            remoteAddress: ""
        )
        let items = request.formItems() ?? []
        #expect(items.map(\.value) == ["1 2", "+"])
        #expect(request.header("content-type") == "x")
    }

    /// A truncated response declares the full length, delivers a prefix and closes.
    @Test func truncatedResponseDeliversPrefixThenCloses() throws {
        try withServer(
            { _, writer in
                writer.sendTruncated(status: 200, body: Array(repeating: 0x41, count: 1000), deliver: 100)
            },
            { port in
                let client = try RawClient(port: port)
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let raw = try client.readToEnd()
                let text = String(decoding: raw, as: UTF8.self)
                #expect(text.contains("Content-Length: 1000\r\n"))
                let headEnd = text.range(of: "\r\n\r\n")!
                #expect(text[headEnd.upperBound...].utf8.count == 100)
            }
        )
    }

    /// A reset shows up as ECONNRESET on the client.
    @Test func resetIsObservedAsConnectionReset() throws {
        try withServer(
            { _, writer in writer.resetConnection() },
            { port in
                let client = try RawClient(port: port)
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(throws: RawClient.ClientError.reset) { _ = try client.readToEnd() }
            }
        )
    }

    /// A hang sends nothing: the client's own timeout fires first.
    @Test func hangSendsNothingUntilTheClientTimesOut() throws {
        try withServer(
            { _, writer in writer.hang(seconds: 3) },
            { port in
                let client = try RawClient(port: port, receiveTimeout: 0.3)
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let started = Date()
                #expect(throws: RawClient.ClientError.timedOut) { _ = try client.readResponse() }
                #expect(Date().timeIntervalSince(started) < 2.5)
            }
        )
    }

    /// Raw bytes go out as given, then the connection closes.
    @Test func sendRawWritesExactBytesThenCloses() throws {
        try withServer(
            { _, writer in writer.sendRaw(Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>".utf8)) },
            { port in
                let client = try RawClient(port: port)
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(
                    try client.readToEnd() == Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>".utf8)
                )
            }
        )
    }

    /// A streamed response arrives as chunks and keeps the connection usable.
    @Test func streamedResponseIsChunked() throws {
        try withServer(
            { _, writer in
                writer.beginStreaming(status: 200, headers: [("Content-Type", "application/json")])
                writer.write(Array("[1,".utf8))
                writer.write([])
                writer.write(Array("2]".utf8))
                writer.end()
            },
            { port in
                let client = try RawClient(port: port)
                for _ in 0..<2 {
                    let response = try client.request("/")
                    #expect(response.header("Transfer-Encoding") == "chunked")
                    #expect(response.body == Array("[1,2]".utf8))
                }
            }
        )
    }

    /// A throwing handler yields 500; a handler that never answers yields 500 too.
    @Test func handlerFailureBecomes500() throws {
        struct Boom: Error {}
        try withServer(
            { request, _ in if request.path == "/throw" { throw Boom() } },
            { port in
                let client = try RawClient(port: port)
                #expect(try client.request("/throw").status == 500)
                #expect(try client.request("/silent").status == 500)
            }
        )
    }

    /// `Connection: close` is honoured: the server answers and closes.
    @Test func connectionCloseIsHonoured() throws {
        try withServer(echoHandler) { port in
            let client = try RawClient(port: port)
            let response = try client.request("/", headers: ["Connection: close"])
            #expect(response.header("Connection") == "close")
            #expect(try client.readToEnd().isEmpty)
        }
    }

    /// stop() closes idle connections and releases the port so it can be bound again at once.
    @Test func stopReleasesThePortAndConnections() throws {
        let first = LocalHTTPServer(logger: Logger(label: "test"), handler: echoHandler)
        let port = try first.start()
        let client = try RawClient(port: port)
        #expect(try client.request("/").status == 200)
        first.stop()
        #expect(try client.readToEnd().isEmpty)
        #expect(first.openConnectionCount == 0)
        let second = LocalHTTPServer(port: port, logger: Logger(label: "test"), handler: echoHandler)
        #expect(try second.start() == port)
        #expect(try RawClient(port: port).request("/").status == 200)
        second.stop()
    }

    /// stop() ends a handler that is hanging instead of waiting out its full duration.
    @Test func stopInterruptsAHang() throws {
        let server = LocalHTTPServer(logger: Logger(label: "test")) { _, writer in writer.hang(seconds: 30) }
        let port = try server.start()
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        let started = Date()
        server.stop()
        #expect(Date().timeIntervalSince(started) < 2)
    }

    /// Only loopback hosts may be bound.
    @Test(arguments: ["0.0.0.0", "10.0.0.1", "example.com", ""])
    func nonLoopbackHostIsRefused(host: String) {
        let server = LocalHTTPServer(host: host, logger: Logger(label: "test"), handler: echoHandler)
        #expect(throws: LocalServerError.nonLoopbackHost(host)) { try server.start() }
    }
}
