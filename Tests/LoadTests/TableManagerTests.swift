import Common
import Foundation
import SegmentLog
import Testing

@testable import Load

@Suite struct TableManagerTests {
    static func manager(_ fake: FakeGoogle) throws -> TableManager {
        let clock = ManualClock()
        let authenticator = try ServiceAccountAuthenticator(
            key: try ServiceAccountKey(json: TestKey.keyJSON()),
            configuration: testConfiguration(),
            clock: clock
        )
        return TableManager(
            client: BigQueryClient(
                configuration: testConfiguration(),
                transport: fake.transport,
                authenticator: authenticator,
                clock: clock,
                logger: StagingFixture.logger
            )
        )
    }

    /// An existing table missing a column is patched with the full field list; 409 on create is not an error.
    @Test func existingTableGetsFullListPatch() throws {
        let existing = SchemaTests.layout().fields.dropLast().map(\.json)
        let fake = FakeGoogle { request, _ in
            switch request.method {
            case .post: return errorBody(409, reason: "duplicate", message: "Already Exists: Table p:ds.ApInvoice")
            case .get:
                return .respond(
                    status: 200,
                    text: JSONValue.object([JSONMember("schema", ["fields": .array(existing)])]).text
                )
            default: return okBody
            }
        }
        let change = try Self.manager(fake).ensureRawTable(SchemaTests.layout())
        #expect(change == .addedColumns(["InvoiceDate"]))
        let patch = try #require(fake.requests.last)
        #expect(patch.request.method == .patch)
        #expect(
            patch.request.url == "https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets/ds/tables/ApInvoice"
        )
        #expect(
            String(decoding: patch.body, as: UTF8.self)
                == BigQueryPaths(configuration: testConfiguration()).schemaPatchBody(SchemaTests.layout().fields).text
        )
    }

    /// A type change on an existing table stops with the column named and sends no patch.
    @Test func typeChangeSendsNoPatch() throws {
        var fields = SchemaTests.layout().fields
        fields[11] = TableField(name: "OrigInvValue", type: "STRING", mode: .nullable)
        let fake = FakeGoogle { request, _ in
            request.method == .post
                ? errorBody(409, reason: "duplicate")
                : .respond(
                    status: 200,
                    text: JSONValue.object([JSONMember("schema", ["fields": .array(fields.map(\.json))])]).text
                )
        }
        #expect(throws: SysproBQError.self) { try Self.manager(fake).ensureRawTable(SchemaTests.layout()) }
        #expect(fake.requests.allSatisfy { $0.request.method != .patch })
    }

    /// A view that exists gets its query patched.
    @Test func existingViewIsPatched() throws {
        let fake = FakeGoogle { request, _ in request.method == .post ? errorBody(409, reason: "duplicate") : okBody }
        try Self.manager(fake).ensureView("ApInvoice_current", query: "SELECT 1")
        #expect(fake.requests.map(\.request.method) == [.post, .patch])
        #expect(
            String(decoding: fake.requests[1].body, as: UTF8.self)
                == #"{"view":{"query":"SELECT 1","useLegacySql":false}}"#
        )
        #expect(fake.requests[1].request.url.hasSuffix("/tables/ApInvoice_current"))
    }

    /// A GenTransaction + GenMaster load creates the trial-balance view joined to the account master.
    @Test func trialBalanceViewIsCreatedForGLStreams() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try StagingLog(root: directory.path, clock: ManualClock(), logger: StagingFixture.logger)
        func column(_ name: String, _ type: ColumnSchema.BigQueryType) -> ColumnSchema {
            ColumnSchema(name: name, sqlType: "x", bigQueryType: type, nullable: true)
        }
        let postings = try StreamSchema(
            columns: [
                column("GlYear", .numeric), column("GlPeriod", .numeric), column("GlCode", .string),
                column("EntryValue", .numeric), column("Journal", .numeric),
            ],
            keyColumns: ["GlYear", "GlPeriod", "Journal"],
            businessDateColumn: nil,
            amountColumns: ["EntryValue"],
            versionKind: .rowversion
        )
        let accounts = try StreamSchema(
            columns: [column("GlCode", .string), column("Description", .string), column("AccountType", .string)],
            keyColumns: ["GlCode"],
            businessDateColumn: nil,
            amountColumns: [],
            versionKind: .contentHash
        )
        for (table, schema, row) in [
            (
                "GenTransaction", postings,
                #""GlYear":"2024","GlPeriod":"3","GlCode":"1000","EntryValue":"10.00","Journal":"1""#
            ),
            ("GenMaster", accounts, #""GlCode":"1000","Description":"Cash","AccountType":"A""#),
        ] {
            let stream = try StreamID(company: "A", table: table)
            try log.withWriter(stream: stream, schema: schema, runID: "r") { writer in
                let line =
                    #"{"_insert_id":"\#(String(repeating: "b", count: 32))","_company":"A","_table":"\#(table)","#
                    + #""_version":"h:00","_deleted":false,"_extracted_at":"2026-11-27T15:00:00Z","_run_id":"r",\#(row)}"#
                try writer.append(line: Array(line.utf8))
                try writer.seal(
                    SealMetadata(
                        sourceQuery: table,
                        cursor: CursorRange(from: nil, to: nil),
                        businessDates: nil,
                        controlTotals: try ControlTotals(rowCount: 1, amounts: [:])
                    )
                )
            }
        }
        let fake = FakeGoogle { _, _ in okBody }
        _ = try makeRunner(fake, log: log).load(streams: try log.streams())
        // Views are created on their own thread while rows are sent, so the view request is found by its body.
        let view = try #require(
            fake.requests.last { String(decoding: $0.body, as: UTF8.self).contains(#""tableId":"gl_trial_balance""#) }
        )
        let body = String(decoding: view.body, as: UTF8.self)
        #expect(body.contains("FROM `p.ds.GenTransaction_current` t LEFT JOIN"))
        #expect(body.contains("FROM `p.ds.GenMaster_current` WHERE `GlCode` NOT IN ('FORCED', 'RETAINED')"))
    }
}
