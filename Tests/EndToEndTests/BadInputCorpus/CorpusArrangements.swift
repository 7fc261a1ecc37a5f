import Common
import Foundation

/// What the bad-input cases do to a cloned rig before running the command under test: canned server responses,
/// configuration edits, damaged files.
extension Rig {
    /// Makes syspro-sim answer every `service` request for `target` (a table, `$metadata`, `*`) with exactly `body`.
    func canned(
        _ service: String,
        _ target: String,
        status: Int = 200,
        contentType: String = "application/json; odata.metadata=minimal",
        body: [UInt8]
    ) throws {
        let escapedTarget = target.replacingOccurrences(of: "$", with: "%24").replacingOccurrences(of: "*", with: "%2A")
        let type = contentType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? contentType
        _ = try http(
            .post,
            "http://127.0.0.1:\(simulatorPort)/_sim/canned?service=\(service)&target=\(escapedTarget)"
                + "&status=\(status)&content_type=\(type)",
            body: .bytes(body)
        )
    }

    /// Changes how fake-bigquery judges token grants (`POST /_fake/auth`).
    func fakeAuth(revoked: Bool? = nil, clockOffset: Double? = nil) throws {
        var query: [String] = []
        if let revoked { query.append("revoked=\(revoked)") }
        if let clockOffset { query.append("clock_offset=\(clockOffset)") }
        _ = try http(.post, "http://127.0.0.1:\(fakePort)/_fake/auth?" + query.joined(separator: "&"))
    }

    /// Makes a fraction of fake-bigquery's data-plane calls fail (`POST /_fake/faults`).
    func fakeFaults(rate: Double, kinds: String) throws {
        _ = try http(.post, "http://127.0.0.1:\(fakePort)/_fake/faults?rate=\(rate)&kinds=\(kinds)")
    }

    /// Replaces the first line of the configuration that starts with `prefix` by `line` (nil: removes it).
    func replaceConfigurationLine(startingWith prefix: String, by line: String?) throws {
        var lines = try String(contentsOf: configPath, encoding: .utf8).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            throw HarnessError("no line starting with '\(prefix)' in \(configPath.path)")
        }
        if let line { lines[index] = line } else { lines.remove(at: index) }
        try Data(lines.joined(separator: "\n").utf8).write(to: configPath)
    }

    /// Reads e.net instead of OData, from the simulator's e.net REST root.
    func useENet() throws {
        try appendToSection("syspro", "source = \"enet\"")
        try appendToSection("syspro", "enet_url = \"http://127.0.0.1:\(simulatorPort)/SYSPROWCFService/Rest\"")
    }

    var staging: URL { run.appendingPathComponent("staging") }

    /// The sealed files of one stream named `prefix…` (`segment-`, `manifest-`), in sequence order.
    func sealedFiles(_ table: String, _ prefix: String, company: String = "A") throws -> [URL] {
        let directory = staging.appendingPathComponent("\(company)/\(table)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(prefix) && !$0.hasSuffix(".tmp") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// The newest sealed segment of `table` (whose rows the template left pending).
    func newestSegment(_ table: String) throws -> URL {
        guard let last = try sealedFiles(table, "segment-").last else {
            throw HarnessError("no sealed segment of \(table) under \(staging.path)")
        }
        return last
    }

    /// XORs one byte of `file` at `offset` (negative: from the end).
    func flipByte(_ file: URL, at offset: Int) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        let index = offset >= 0 ? offset : bytes.count + offset
        bytes[index] ^= 0x20
        try Data(bytes).write(to: file)
    }

    /// Cuts `count` bytes off the end of `file`.
    func truncate(_ file: URL, by count: Int) throws {
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - count).write(to: file)
    }

    /// Replaces the first occurrence of `old` by `new` in `file`'s bytes.
    func edit(_ file: URL, replacing old: String, by new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let range = text.range(of: old) else { throw HarnessError("'\(old)' is not in \(file.path)") }
        try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: file)
    }

    /// Stores `password` as the SYSPRO operator password.
    func storeSysproPassword(_ password: String) throws {
        try mustSucceed(["creds", "set", "syspro-password"], stdin: password + "\n")
    }

    /// Writes `text` to `name` in the rig's root (outside the run directory) and returns its path.
    func writeFile(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// Bodies the cases serve.
enum CorpusBodies {
    /// One ApInvoice row as syspro-sim renders it, with `overrides` applied and `extra` columns appended.
    static func apInvoiceRow(_ overrides: [String: String] = [:], removing: [String] = [], extra: String = "") -> String
    {
        var columns: [(String, String)] = [
            ("Supplier", "\"   10\""), ("Invoice", "\"INV-CORPUS-1\""),
            ("InvoiceDate", "\"2026-03-31T00:00:00+02:00\""),
            ("OrigInvValue", "1234.50"), ("Notes", "null"),
        ]
        columns = columns.filter { !removing.contains($0.0) }.map { ($0.0, overrides[$0.0] ?? $0.1) }
        return "{" + columns.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + extra + "}"
    }

    static func page(_ rows: [String]) -> [UInt8] {
        Array(("{\"@odata.context\":\"$metadata#ApInvoice\",\"value\":[" + rows.joined(separator: ",") + "]}").utf8)
    }

    static let iisErrorPage = """
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>IIS 10.0 Detailed Error - 500.19 - Internal Server \
        Error</title></head><body><h1>HTTP Error 500.19 - Internal Server Error</h1></body></html>
        """

    static func odataError(_ message: String) -> [UInt8] {
        Array("{\"error\":{\"code\":\"\",\"message\":\"\(message)\"}}".utf8)
    }
}

extension Rig {
    /// The first ApInvoice row syspro-sim serves over OData, as its exact JSON text, made new to the staging log:
    /// another invoice number and the highest rowversion (else Stage would skip it as already staged). Then each
    /// `"Column":value` in `replacing` takes the given raw JSON value, and `extra` is appended inside the object.
    func freshApInvoiceRow(
        replacing: [String: String] = [:],
        removing: [String] = [],
        extra: String = ""
    ) throws
        -> String
    {
        let client = try CurlHTTPClient()
        let response = try client.perform(
            HTTPRequest(
                url: "http://127.0.0.1:\(simulatorPort)/SYSPRO8Odata/SYSPROOData/A/ApInvoice?$top=1",
                basicAuth: BasicCredentials(user: Self.operatorCode, password: options.sysproPassword),
                totalTimeout: 30
            ),
            maxBodyBytes: 1 << 20
        )
        let page = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200, let start = page.range(of: "\"value\":[{")?.upperBound else {
            throw HarnessError("syspro-sim gave no ApInvoice row: \(response.status) \(page.prefix(300))")
        }
        var row = "{" + Self.objectBody(page[start...])
        var changes = replacing
        if changes["Invoice"] == nil { changes["Invoice"] = "\"INV-CORPUS-0001\"" }
        if changes["TimeStamp"] == nil { changes["TimeStamp"] = "\"f/////////8=\"" }
        for (column, value) in changes {
            row = try Self.replaceValue(of: column, in: row, by: value)
        }
        for column in removing {
            row = try Self.replaceValue(of: column, in: row, by: nil)
        }
        return String(row.dropLast()) + extra + "}"
    }

    /// The text of one JSON object's members up to and including its closing brace (strings may hold braces).
    private static func objectBody(_ text: Substring) -> String {
        var inString = false
        var escaped = false
        var end = text.startIndex
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = inString
            } else if character == "\"" {
                inString.toggle()
            } else if character == "}" && !inString {
                end = text.index(after: index)
                break
            }
        }
        return String(text[text.startIndex..<end])
    }

    /// Replaces the raw value of `"column":` (a string, number, literal) by `value`, or removes the member.
    private static func replaceValue(of column: String, in row: String, by value: String?) throws -> String {
        guard let key = row.range(of: "\"\(column)\":") else { throw HarnessError("no \(column) in \(row)") }
        var index = key.upperBound
        if row[index] == "\"" {
            index = row.index(after: index)
            var escaped = false
            while escaped || row[index] != "\"" {
                escaped = !escaped && row[index] == "\\"
                index = row.index(after: index)
            }
            index = row.index(after: index)
        } else {
            while row[index] != "," && row[index] != "}" { index = row.index(after: index) }
        }
        guard let value else {
            var lower = key.lowerBound
            if row[index] == "," {
                index = row.index(after: index)
            } else if row[row.index(before: lower)] == "," {
                lower = row.index(before: lower)
            }
            return String(row[..<lower] + row[index...])
        }
        return String(row[..<key.upperBound] + value + row[index...])
    }
}

extension Rig {
    /// syspro-sim's `$metadata` document for company A.
    func odataMetadata() throws -> String {
        let client = try CurlHTTPClient()
        let response = try client.perform(
            HTTPRequest(
                url: "http://127.0.0.1:\(simulatorPort)/SYSPRO8Odata/SYSPROOData/A/$metadata",
                basicAuth: BasicCredentials(user: Self.operatorCode, password: options.sysproPassword),
                totalTimeout: 30
            ),
            maxBodyBytes: 1 << 22
        )
        guard response.status == 200 else { throw HarnessError("$metadata answered \(response.status)") }
        return String(decoding: response.body, as: UTF8.self)
    }
}
