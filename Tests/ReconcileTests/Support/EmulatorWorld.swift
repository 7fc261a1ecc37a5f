import Common
import Extract
import Foundation
import Load
import Logging
import SegmentLog

@testable import Reconcile
@testable import Stage

/// One test's world: a staging log in a fresh directory, a dataset of its own in the shared emulator, and a
/// `LoadRunner` that loads through the production path (tables, views, insertAll) and queries through `jobs.query`.
///
/// Not thread-safe: one test owns it. The directory is removed when it is released.
final class EmulatorWorld {
    /// One staged row: key values, the source columns as JSON members, and the amount texts in catalog order.
    struct Row {
        var keys: [String]
        var columns: String
        var amounts: [String?]
    }

    let directory: String
    let dataset: String
    let log: StagingLog
    let runner: LoadRunner
    let emulator: BigQueryEmulator
    private var version = 0x7D0

    init(dataset: String) throws {
        emulator = try BigQueryEmulator.shared.get()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.dataset = dataset + "_" + UUID().uuidString.prefix(8).lowercased()
        let logger = Logger(label: "reconcile-tests")
        log = try StagingLog(root: "\(directory)/staging", logger: logger)
        runner = try LoadRunner(
            configuration: BigQueryConfiguration(
                projectID: "test-project",
                datasetID: self.dataset,
                apiBaseURL: emulator.baseURL,
                tokenURI: TokenStubTransport.tokenURI,
                allowInsecureLocalEndpoints: true,
                // The emulator answers a bad row with a 500: never retry for long (reference/bigquery.md B5).
                retryPolicy: RetryPolicy(initialDelay: 0.1, maximumDelay: 0.2, maxAttempts: 2)
            ),
            serviceAccountKeyJSON: TestServiceAccount.keyJSON(),
            log: log,
            logger: logger,
            makeTransport: { TokenStubTransport(try CurlHTTPClient()) }
        )
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Stages `segments` of `table` for company A, each sealed with its control totals (GL groups included).
    func stage(table: String, schema: StreamSchema, segments: [[Row]]) throws {
        let stream = try StreamID(company: "A", table: table)
        try log.withWriter(stream: stream, schema: schema, runID: "20241101T000000Z-test") { writer in
            for segment in segments {
                var builder = StagedLineBuilder(
                    company: "A",
                    table: table,
                    runID: "20241101T000000Z-test",
                    extractedAt: "2024-11-01T00:00:00.000000Z"
                )
                var totals = SegmentTotals(table: table, amountColumns: schema.amountColumns)
                for row in segment {
                    version += 1
                    let rowVersion = "0x" + String(repeating: "0", count: 13) + String(version, radix: 16).uppercased()
                    let columns = Array(row.columns.utf8)
                    try writer.append(
                        line: builder.line(keyValues: row.keys, version: rowVersion, columnsJSON: columns)
                    )
                    let source = SourceRow(
                        columnsJSON: columns,
                        keyValues: row.keys,
                        rowVersion: rowVersion,
                        businessDate: nil,
                        amounts: row.amounts
                    )
                    try totals.add(row: source, cursor: rowVersion)
                }
                _ = try writer.seal(try totals.sealMetadata(sourceQuery: "\(table) test"))
            }
        }
    }

    /// Loads every staged stream (or at most `maxSegments` per stream) through insertAll.
    func load(maxSegments: Int? = nil) throws {
        let summary = try runner.load(
            streams: try log.streams(),
            options: LoadRunner.Options(maxSegmentsPerStream: maxSegments, mode: .streaming)
        )
        guard summary.failures.isEmpty else {
            throw HarnessError("load failed: \(summary.failures.map { "\($0.table): \($0.error)" })")
        }
    }

    /// `` `test-project.<dataset>.<name>` ``.
    func reference(_ name: String) -> String { "`test-project.\(dataset).\(name)`" }

    /// Runs SQL (a query or DML) against the dataset.
    @discardableResult
    func query(_ sql: String) throws -> QueryResult { try runner.query(QueryRequest(sql: sql)) }

    /// Reconciles everything staged, with SYSPRO's balances from `syspro` when given.
    func reconcile(syspro: Reconciler.SysproBalances? = nil) throws -> ReconcileReport {
        let runner = self.runner
        return try Reconciler(log: log, logger: Logger(label: "reconcile-tests"), sysproBalances: syspro) {
            try runner.query($0)
        }
        .run(ReconcileScope(project: "test-project", dataset: dataset))
    }
}

/// Answers the OAuth token request locally and sends everything else to the emulator, which ignores tokens: the
/// connector's own token code still runs (a signed JWT is posted and a token parsed).
final class TokenStubTransport: HTTPTransport {
    static let tokenURI = "http://127.0.0.1:9/token"
    private let inner: any HTTPTransport

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func perform(
        _ request: HTTPRequest,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        guard request.url == Self.tokenURI else { return try inner.perform(request, onHead: onHead, onBody: onBody) }
        let head = HTTPResponseHead(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "application/json")])
        try onHead(head)
        let body = Array(#"{"access_token":"emulator-token","expires_in":3600,"token_type":"Bearer"}"#.utf8)
        try body.withUnsafeBytes { try onBody($0) }
        return head
    }
}

/// A throwaway RSA service-account key for the token code (the emulator checks no signature).
enum TestServiceAccount {
    private static let privatePEM: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-key-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", directory + "/k.pem",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
        return (try? String(contentsOfFile: directory + "/k.pem", encoding: .utf8)) ?? ""
    }()

    static func keyJSON() -> [UInt8] {
        let object: [String: String] = [
            "type": "service_account", "project_id": "test-project", "private_key_id": "k1",
            "private_key": privatePEM, "client_email": "reconcile-tests@test-project.iam.gserviceaccount.com",
            "token_uri": TokenStubTransport.tokenURI,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }
}
