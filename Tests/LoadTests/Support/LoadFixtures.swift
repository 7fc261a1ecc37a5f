import Common
import Foundation
import Logging
import SegmentLog
import Testing

@testable import Load

/// A fresh directory under the system temporary directory, removed by ``remove()``.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("load-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An RSA key made once per test process with `openssl genpkey`, and a verifier using `openssl dgst`.
enum TestKey {
    struct Material: Sendable {
        let directory: String
        let privatePEM: String
        let publicKeyPath: String
    }

    static let material: Material = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-tests-key-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let privatePath = directory + "/key.pem"
        let publicPath = directory + "/pub.pem"
        if !FileManager.default.fileExists(atPath: publicPath) {
            _ = run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePath])
            _ = run(["pkey", "-in", privatePath, "-pubout", "-out", publicPath])
        }
        let pem = (try? String(contentsOfFile: privatePath, encoding: .utf8)) ?? ""
        return Material(directory: directory, privatePEM: pem, publicKeyPath: publicPath)
    }()

    /// Runs openssl and returns its exit status.
    @discardableResult
    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Whether `signature` is a valid RS256 signature of `message` under the test key (`openssl dgst -verify`).
    static func verify(message: [UInt8], signature: [UInt8]) throws -> Bool {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data(message).write(to: URL(fileURLWithPath: directory.path + "/m"))
        try Data(signature).write(to: URL(fileURLWithPath: directory.path + "/s"))
        return run([
            "dgst", "-sha256", "-verify", material.publicKeyPath, "-signature", directory.path + "/s",
            directory.path + "/m",
        ]) == 0
    }

    /// A service-account key file for the test key.
    static func keyJSON(tokenURI: String = "https://oauth2.googleapis.com/token") -> [UInt8] {
        let object: [String: String] = [
            "type": "service_account", "project_id": "test-project", "private_key_id": "kid-0123abcd",
            "private_key": material.privatePEM, "client_email": "loader@test-project.iam.gserviceaccount.com",
            "client_id": "1234567890", "token_uri": tokenURI,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}

/// Decodes base64url without padding.
func base64URLDecode(_ text: Substring) -> [UInt8] {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Array(Data(base64Encoded: base64) ?? Data())
}

/// A scripted BigQuery + token endpoint: token calls get a token; every other request goes to `handler`.
final class FakeGoogle: @unchecked Sendable {
    private let lock = NSLock()
    private var tokenCount = 0
    private var handler: (HTTPRequest, [UInt8]) -> ScriptedResponse
    private(set) var apiRequests: [(request: HTTPRequest, body: [UInt8])] = []
    let transport: ScriptedHTTPTransport

    init(handler: @escaping (HTTPRequest, [UInt8]) -> ScriptedResponse) {
        self.handler = handler
        let box = Box()
        transport = ScriptedHTTPTransport { request in box.fake?.answer(request) ?? .timeout }
        box.fake = self
    }

    /// Holds the fake strongly: tests often keep only the runner, which keeps only the transport. The cycle
    /// costs a few objects per test.
    private final class Box: @unchecked Sendable {
        var fake: FakeGoogle?
    }

    var tokensIssued: Int { lock.withLock { tokenCount } }
    var requests: [(request: HTTPRequest, body: [UInt8])] { lock.withLock { apiRequests } }

    private func answer(_ request: HTTPRequest) -> ScriptedResponse {
        let body: [UInt8]
        if case .bytes(let bytes) = request.body { body = bytes } else { body = [] }
        return lock.withLock {
            if request.url.hasSuffix("/token") {
                tokenCount += 1
                return .respond(
                    status: 200,
                    text: #"{"access_token":"ya29.token-\#(tokenCount)","expires_in":3599,"token_type":"Bearer"}"#
                )
            }
            apiRequests.append((request, body))
            return handler(request, body)
        }
    }
}

/// Builders for a staging log with real sealed segments.
enum StagingFixture {
    static let schema: StreamSchema = {
        // swift-format-ignore: NeverUseForceTry
        try! StreamSchema(
            columns: [
                ColumnSchema(name: "Supplier", sqlType: "varchar(15)", bigQueryType: .string, nullable: false),
                ColumnSchema(name: "Invoice", sqlType: "varchar(20)", bigQueryType: .string, nullable: false),
                ColumnSchema(name: "OrigInvValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: true),
                ColumnSchema(name: "InvoiceDate", sqlType: "datetime", bigQueryType: .date, nullable: true),
            ],
            keyColumns: ["Supplier", "Invoice"],
            businessDateColumn: "InvoiceDate",
            amountColumns: ["OrigInvValue"],
            versionKind: .rowversion
        )
    }()

    /// The insertId of row `n` of segment `seq` in fixtures: 32 hex digits that encode both.
    static func insertID(seq: UInt64, row: Int) -> String {
        let text = String(format: "%08x%08x", seq, row)
        return text + String(repeating: "a", count: 32 - text.count)
    }

    /// The row Stage would append (without `_segment`/`_line`).
    static func row(seq: UInt64, row: Int, date: String) -> [UInt8] {
        Array(
            (#"{"_insert_id":"\#(insertID(seq: seq, row: row))","_company":"A","_table":"ApInvoice","#
                + #""_version":"0x00000000000007D1","_deleted":false,"_extracted_at":"2026-11-27T15:00:00.123456Z","#
                + #""_run_id":"r1","Supplier":"   10","Invoice":"INV-\#(row)","OrigInvValue":"1234.50","#
                + #""InvoiceDate":"\#(date)"}"#).utf8
        )
    }

    /// Writes one sealed segment per entry of `segments` (each a list of row business dates).
    static func write(log: StagingLog, stream: StreamID, segments: [[String]]) throws -> [Manifest] {
        var manifests: [Manifest] = []
        try log.withWriter(stream: stream, schema: schema, runID: "r1") { writer in
            for dates in segments {
                let seq = writer.currentSequence
                for (index, date) in dates.enumerated() {
                    try writer.append(line: row(seq: seq, row: index, date: date))
                }
                let sorted = dates.sorted()
                let metadata = SealMetadata(
                    sourceQuery: "ApInvoice",
                    cursor: CursorRange(from: nil, to: nil),
                    businessDates: try BusinessDateRange(min: sorted[0], max: sorted[sorted.count - 1]),
                    controlTotals: try ControlTotals(rowCount: Int64(dates.count), amounts: [:])
                )
                if let manifest = try writer.seal(metadata) { manifests.append(manifest) }
            }
        }
        return manifests
    }

    static let logger = Logger(label: "load-tests") { _ in SwiftLogNoOpLogHandler() }
}

/// A configuration pointing at the fake endpoints with instant retries.
func testConfiguration(concurrency: Int = 1, maxRows: Int = 500) -> BigQueryConfiguration {
    BigQueryConfiguration(
        projectID: "p",
        datasetID: "ds",
        maxRowsPerRequest: maxRows,
        concurrency: concurrency,
        retryPolicy: RetryPolicy(initialDelay: 1, multiplier: 2, maximumDelay: 4, maxAttempts: 4, longWait: 600),
        jobPollInitialDelay: 1,
        jobPollMaximumDelay: 4
    )
}

/// A runner over `log` talking to `fake`.
func makeRunner(
    _ fake: FakeGoogle,
    log: StagingLog,
    configuration: BigQueryConfiguration = testConfiguration(),
    clock: ManualClock = ManualClock()
) throws -> LoadRunner {
    let transport = fake.transport
    return try LoadRunner(
        configuration: configuration,
        serviceAccountKeyJSON: TestKey.keyJSON(),
        log: log,
        clock: clock,
        logger: StagingFixture.logger
    ) { transport }
}

/// `{"kind":"…","tableReference":…}` style 200 body for creates.
let okBody = ScriptedResponse.respond(status: 200, text: "{}")

/// A BigQuery error body.
func errorBody(_ status: Int, reason: String, message: String = "m") -> ScriptedResponse {
    .respond(
        status: status,
        text:
            #"{"error":{"code":\#(status),"message":"\#(message)","errors":[{"domain":"global","reason":"\#(reason)","message":"\#(message)"}]}}"#
    )
}
