import Common
import Extract
import Foundation
import Load
import Logging
import SegmentLog
import Testing

@testable import Reconcile
@testable import Stage

/// Reconciliation against bqemulator (a real SQL engine): a clean load passes; a deleted row, a changed amount
/// and a skipped segment each fail and name the table, period, key or segment, and the difference.
// UNFINISHED: these tests hang in this build (both emulators start; the first query round never returns) and
// are opt-in until that is found: SYSPRO_BQ_EMULATOR_TESTS=1.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SYSPRO_BQ_EMULATOR_TESTS"] == "1"))
struct EmulatorReconcileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let helper = "\(root)/Tests/ReconcileTests/Fixtures/bq_helper.py"

    /// The test's world: an emulator, a staging log with two GL segments, and a dataset per case.
    final class World {
        let directory: String
        let port: String
        let log: StagingLog
        let stream: StreamID

        init() throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let venv = ProcessInfo.processInfo.environment["SYSPRO_BQ_VENV"] ?? "\(EmulatorReconcileTests.root)/.venv"
            guard FileManager.default.isExecutableFile(atPath: "\(venv)/bin/bqemulator") else {
                throw SysproBQError(
                    .configuration,
                    "bqemulator is not installed in \(venv)",
                    remedy: "run scripts/setup-python.sh (or set SYSPRO_BQ_VENV to a venv that has bqemulator)",
                    disposition: .needsHuman
                )
            }
            // The emulator outlives the script; its output goes to files so no pipe waits on it.
            try EmulatorReconcileTests.runDetached(
                ["\(EmulatorReconcileTests.root)/scripts/bqemulator.sh", "start", "\(directory)/bq"],
                environment: ["SYSPRO_BQ_VENV": venv]
            )
            port = try String(contentsOfFile: "\(directory)/bq/bqemulator.port", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            log = try StagingLog(root: "\(directory)/staging", logger: Logger(label: "test"))
            stream = try StreamID(company: "A", table: "GenTransaction")
            try stage()
        }

        deinit {
            try? EmulatorReconcileTests.runDetached([
                "\(EmulatorReconcileTests.root)/scripts/bqemulator.sh", "stop", "\(directory)/bq",
            ])
            try? FileManager.default.removeItem(atPath: directory)
        }

        static let schema = try! StreamSchema(
            columns: [
                ColumnSchema(name: "GlYear", sqlType: "decimal(4,0)", bigQueryType: .numeric, nullable: false),
                ColumnSchema(name: "GlPeriod", sqlType: "decimal(2,0)", bigQueryType: .numeric, nullable: false),
                ColumnSchema(name: "Journal", sqlType: "decimal(10,0)", bigQueryType: .numeric, nullable: false),
                ColumnSchema(name: "GlLine", sqlType: "decimal(10,0)", bigQueryType: .numeric, nullable: false),
                ColumnSchema(name: "GlCode", sqlType: "varchar(35)", bigQueryType: .string, nullable: false),
                ColumnSchema(name: "EntryValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: true),
            ],
            keyColumns: ["GlYear", "GlPeriod", "Journal", "GlLine"],
            businessDateColumn: nil,
            amountColumns: ["EntryValue"],
            versionKind: .rowversion
        )

        /// Segment 1: journal 10 (two lines); segment 2: journal 11 (three lines). Both balance.
        static let segments: [[(journal: String, line: String, code: String, value: String)]] = [
            [("10", "1", "   1000", "1250.75"), ("10", "2", "4000", "-1250.75")],
            [("11", "1", "2000", "-300.10"), ("11", "2", "   1000", "100.05"), ("11", "3", "5000", "200.05")],
        ]

        func stage() throws {
            var version = 0x7D0
            try log.withWriter(stream: stream, schema: Self.schema, runID: "20241101T000000Z-test") { writer in
                for segment in Self.segments {
                    var builder = StagedLineBuilder(
                        company: "A",
                        table: "GenTransaction",
                        runID: "20241101T000000Z-test",
                        extractedAt: "2024-11-01T00:00:00.000000Z"
                    )
                    var totals = SegmentTotals(table: "GenTransaction", amountColumns: ["EntryValue"])
                    for row in segment {
                        version += 1
                        let columns =
                            #""GlYear":"2024","GlPeriod":"3","Journal":"\#(row.journal)","GlLine":"\#(row.line)","#
                            + #""GlCode":"\#(row.code)","EntryValue":"\#(row.value)""#
                        let keys = ["2024", "3", row.journal, row.line]
                        let rowVersion =
                            "0x" + String(repeating: "0", count: 13) + String(version, radix: 16).uppercased()
                        try writer.append(
                            line: builder.line(keyValues: keys, version: rowVersion, columnsJSON: Array(columns.utf8))
                        )
                        let source = SourceRow(
                            columnsJSON: Array(columns.utf8),
                            keyValues: keys,
                            rowVersion: rowVersion,
                            businessDate: nil,
                            amounts: [row.value]
                        )
                        try totals.add(row: source, cursor: rowVersion)
                    }
                    _ = try writer.seal(try totals.sealMetadata(sourceQuery: "GenTransaction test"))
                }
            }
        }

        /// Loads the staged rows into `dataset`, leaving out `skipSegment`, then runs `damage` (DML) statements.
        func load(dataset: String, skipSegment: UInt64? = nil, damage: [String] = []) throws {
            var lines: [String] = []
            for manifest in try log.manifests(of: stream) where manifest.sequence != skipSegment {
                try log.withReader(manifest) { reader in
                    try reader.forEachRow { bytes, _ in
                        lines.append(String(decoding: bytes, as: UTF8.self))
                        return true
                    }
                }
            }
            let rowsPath = "\(directory)/\(dataset).ndjson"
            try (lines.joined(separator: "\n") + "\n").write(toFile: rowsPath, atomically: true, encoding: .utf8)
            let raw = "`test-project.\(dataset).GenTransaction`"
            let current = "`test-project.\(dataset).GenTransaction_current`"
            var fields: [[String: String]] = [
                ["name": "_segment", "type": "INTEGER"], ["name": "_line", "type": "INTEGER"],
                ["name": "_insert_id", "type": "STRING"], ["name": "_company", "type": "STRING"],
                ["name": "_table", "type": "STRING"], ["name": "_version", "type": "STRING"],
                ["name": "_deleted", "type": "BOOLEAN"], ["name": "_extracted_at", "type": "TIMESTAMP"],
                ["name": "_run_id", "type": "STRING"],
            ]
            fields += Self.schema.columns.map { ["name": $0.name, "type": $0.bigQueryType.rawValue] }
            let spec: [String: Any] = [
                "table": "GenTransaction", "fields": fields,
                "views": [
                    ["GenTransaction_current", ViewSQL.currentState(raw: raw, keyColumns: Self.schema.keyColumns)],
                    ["gl_trial_balance", ViewSQL.trialBalance(transactions: current, master: nil)],
                ],
            ]
            let specPath = "\(directory)/\(dataset).json"
            try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
            _ = try EmulatorReconcileTests.run([
                "python3", EmulatorReconcileTests.helper, port, "setup", dataset, specPath, rowsPath,
            ])
            for statement in damage { _ = try query(QueryRequest(sql: statement)) }
        }

        /// Runs one query through the helper (jobs.query on the emulator).
        func query(_ request: QueryRequest) throws -> QueryResult {
            let body: [String: Any] = [
                "query": request.sql,
                "params": request.parameters.map { [$0.name, $0.type, $0.value ?? NSNull()] as [Any] },
            ]
            let output = try EmulatorReconcileTests.run(
                ["python3", EmulatorReconcileTests.helper, port, "query"],
                input: try JSONSerialization.data(withJSONObject: body)
            )
            let answer = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
            let rows = (answer["rows"] as! [[Any]]).map { $0.map { $0 as? String } }
            return QueryResult(columns: answer["columns"] as! [String], rows: rows, jobID: nil)
        }

        func reconcile(dataset: String) throws -> ReconcileReport {
            try Reconciler(log: log, logger: Logger(label: "test"), query: query)
                .run(ReconcileScope(project: "test-project", dataset: dataset))
        }
    }

    /// Runs a process with its output in files (a background child may keep a pipe open forever).
    static func runDetached(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SysproBQError(
                .internalError,
                "\(arguments.joined(separator: " ")) exited \(process.terminationStatus)",
                disposition: .terminal
            )
        }
    }

    /// Runs a process; returns stdout, throws with stderr on a non-zero exit.
    static func run(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SysproBQError(
                .internalError,
                "\(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: err, as: UTF8.self),
                disposition: .terminal
            )
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A clean load reconciles: counts, sums, GL groups, journals, trial balance, no duplicate key.
    @Test func cleanLoadPasses() throws {
        let world = try World()
        try world.load(dataset: "clean")
        let report = try world.reconcile(dataset: "clean")
        #expect(report.failures.isEmpty, "\(report.renderTable())")
        #expect(
            Set(report.findings.map(\.check)).isSuperset(of: [
                .rowCount, .amountSum, .glGroups, .journalBalance, .trialBalance, .duplicateKey,
            ])
        )
        let html = try AuditReport.collect(log: world.log, reconciliation: report, generatedAt: "2024-11-01T00:00:00Z")
            .renderHTML()
        try html.write(toFile: "/tmp/reconcile-report.html", atomically: true, encoding: .utf8)
    }

    /// A row deleted in BigQuery fails: the table, segment 2, the row's key and one row fewer are named.
    @Test func deletedRowFailsAndNamesTheKey() throws {
        let world = try World()
        try world.load(
            dataset: "deleted",
            damage: ["DELETE FROM `test-project.deleted.GenTransaction` WHERE _segment = 2 AND _line = 1"]
        )
        let report = try world.reconcile(dataset: "deleted")
        #expect(!report.passed)
        #expect(report.failures.contains { $0.check == .rowCount && $0.segments == [2] && $0.difference == "-1" })
        #expect(report.failures.contains { $0.key == "2024|3|11|2" && $0.table == "GenTransaction" })
        #expect(
            report.failures.contains { $0.period == "2024-03" && $0.key == "   1000" && $0.difference == "-100.05" }
        )
    }

    /// An amount changed in BigQuery fails: the key, the segment and the money difference are named.
    @Test func changedAmountFailsAndNamesTheDifference() throws {
        let world = try World()
        try world.load(
            dataset: "changed",
            damage: [
                "UPDATE `test-project.changed.GenTransaction` SET EntryValue = 1250.70 WHERE _segment = 1 AND _line = 0"
            ]
        )
        let report = try world.reconcile(dataset: "changed")
        #expect(!report.passed)
        #expect(
            report.failures.contains { $0.check == .amountSum && $0.key == "2024|3|10|1" && $0.difference == "-0.05" }
        )
        #expect(report.failures.contains { $0.check == .journalBalance && $0.key == "10" && $0.period == "2024-03" })
    }

    /// A segment never loaded fails: the segment and its rows and money are named.
    @Test func skippedSegmentFailsAndNamesTheSegment() throws {
        let world = try World()
        try world.load(dataset: "skipped", skipSegment: 1)
        let report = try world.reconcile(dataset: "skipped")
        #expect(!report.passed)
        #expect(report.failures.contains { $0.check == .segment && $0.segments == [1] && $0.difference == "-2" })
        #expect(report.failures.contains { $0.check == .amountSum && $0.segments == [1] })
    }
}
