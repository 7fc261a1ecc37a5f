import Foundation
import LocalServer
import Logging
import Testing

@testable import syspro_sim

#if canImport(Glibc)
import Glibc
#endif

/// A simulator on an ephemeral loopback port plus a tiny blocking HTTP client.
final class SimHarness {
    let simulator: Simulator
    let server: LocalHTTPServer
    let port: UInt16

    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    static func configuration(
        scale: Double = 0.05,
        _ edit: (inout SimulatorConfiguration) -> Void = { _ in }
    )
        -> SimulatorConfiguration
    {
        var c = SimulatorConfiguration()
        c.scale = scale
        c.companies = ["A", "B"]
        edit(&c)
        return c
    }

    init(_ configuration: SimulatorConfiguration = SimHarness.configuration()) throws {
        let simulator = Simulator(configuration: configuration, logger: Logger(label: "sim-test"))
        self.simulator = simulator
        server = LocalHTTPServer(logger: Logger(label: "sim-test")) { request, writer in
            simulator.handle(request, writer)
        }
        port = try server.start()
    }

    deinit { server.stop() }

    /// Sends one request on a fresh connection and reads the whole response (Connection: close).
    func request(_ method: String = "GET", _ target: String, auth: Bool = true, timeout: Int = 10) throws -> Response {
        try Self.request(port: port, method, target, auth: auth, timeout: timeout)
    }

    /// Sends one request to `port` on 127.0.0.1; a read timeout or reset ends the body early.
    static func request(
        port: UInt16,
        _ method: String = "GET",
        _ target: String,
        auth: Bool = true,
        timeout: Int = 10
    )
        throws -> Response
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        _ = inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if auth { head += "Authorization: Basic \(Data("ADMIN:secret".utf8).base64EncodedString())\r\n" }
        head += "Content-Length: 0\r\n\r\n"
        _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var raw: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            raw += chunk[0..<n]
        }
        guard let end = Self.find([13, 10, 13, 10], in: raw) else { throw POSIXError(.EPROTO) }
        let headText = String(decoding: raw[0..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines.removeFirst().split(separator: " ")[1])!
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: Array(raw[(end + 4)...]))
    }

    /// GET on the OData service root for company A.
    func odata(_ pathAndQuery: String, company: String = "A", auth: Bool = true) throws -> Response {
        try request("GET", "/SYSPRO8Odata/SYSPROOData/\(company)/\(pathAndQuery)", auth: auth)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}

/// Percent-encodes a query value (spaces as %20, never `+`).
func enc(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed)!
}

/// Reads the flat JSON objects the simulator writes, keeping every value's raw text
/// (so decimals are compared as written, never through a binary type).
enum FlatJSON {
    /// Splits `{"a":1,"b":"x"}{...}` or a JSON array of such objects into (name, raw value) lists.
    static func objects(_ text: String) -> [[(String, String)]] {
        let s = Array(text.utf8)
        var out: [[(String, String)]] = []
        var i = 0
        while i < s.count {
            guard s[i] == 0x7B else {
                i += 1
                continue
            }
            i += 1
            var fields: [(String, String)] = []
            while i < s.count && s[i] != 0x7D {
                if s[i] == 0x2C {
                    i += 1
                    continue
                }
                let nameEnd = stringEnd(s, i)
                let name = String(decoding: s[(i + 1)..<(nameEnd - 1)], as: UTF8.self)
                i = nameEnd + 1
                let valueEnd = s[i] == 0x22 ? stringEnd(s, i) : s[i...].firstIndex { $0 == 0x2C || $0 == 0x7D }!
                fields.append((name, String(decoding: s[i..<valueEnd], as: UTF8.self)))
                i = valueEnd
            }
            out.append(fields)
            i += 1
        }
        return out
    }

    /// The index just after the closing quote of a string starting at `start`.
    private static func stringEnd(_ s: [UInt8], _ start: Int) -> Int {
        var j = start + 1
        while s[j] != 0x22 { j += s[j] == 0x5C ? 2 : 1 }
        return j + 1
    }

    /// The `value` array of an OData response as objects.
    static func odataRows(_ body: String) -> [[(String, String)]] {
        guard let start = body.range(of: "\"value\":[") else { return [] }
        return objects(String(body[start.upperBound...]))
    }
}
