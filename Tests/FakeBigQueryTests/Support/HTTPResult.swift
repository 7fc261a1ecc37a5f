import Foundation

/// One raw HTTP exchange made with curl.
struct HTTPResult {
    /// curl's exit code: 0, or for example 52 (empty reply) / 56 (connection reset).
    let curlExit: Int32
    let status: Int
    /// Header names lower-cased.
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed with JSONSerialization (numbers are only compared as counts in tests).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// `error.errors[0].reason` of a Google error body.
    var errorReason: String? {
        ((json["error"] as? [String: Any])?["errors"] as? [[String: Any]])?.first?["reason"] as? String
    }

    /// `error.message` of a Google error body.
    var errorMessage: String? {
        (json["error"] as? [String: Any])?["message"] as? String
    }
}

/// Sends raw HTTP requests with the curl command-line tool, so the fake is exercised over a real socket.
enum Curl {
    static func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeoutSeconds: Int = 20
    ) throws -> HTTPResult {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var arguments = [
            "-s", "-X", method, "-D", directory.file("headers"), "-o", directory.file("body"),
            "-w", "%{http_code}", "--max-time", String(timeoutSeconds), "-H", "Expect:",
        ]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try directory.write(body, to: "request")
            arguments += ["--data-binary", "@" + directory.file("request")]
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                arguments += ["-H", "Content-Type: application/json"]
            }
        }
        arguments.append(url)
        let result = try Shell.run("/usr/bin/curl", arguments)
        let status = Int(String(decoding: result.standardOutput, as: UTF8.self)) ?? 0
        var parsedHeaders: [String: String] = [:]
        if let raw = try? directory.read("headers") {
            for line in String(decoding: raw, as: UTF8.self).split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                parsedHeaders[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        return HTTPResult(
            curlExit: result.status,
            status: status,
            headers: parsedHeaders,
            body: (try? directory.read("body")) ?? []
        )
    }
}
