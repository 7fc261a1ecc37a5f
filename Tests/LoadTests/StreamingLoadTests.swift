import Common
import Foundation
import SegmentLog
import Synchronization
import Testing

@testable import Load

/// Loads of real sealed segments through a scripted BigQuery.
@Suite struct StreamingLoadTests {
    /// A staging log in a temporary directory with one stream, removed at the end.
    final class Staging {
        let directory: TemporaryDirectory
        let log: StagingLog
        let stream: StreamID
        let manifests: [Manifest]

        init(segments: [[String]]) throws {
            directory = try TemporaryDirectory()
            log = try StagingLog(root: directory.path, clock: ManualClock(), logger: StagingFixture.logger)
            stream = try StreamID(company: "A", table: "ApInvoice")
            manifests = try StagingFixture.write(log: log, stream: stream, segments: segments)
        }

        var journal: LoadJournal { LoadJournal(log: log, stream: stream) }

        deinit { directory.remove() }
    }

    static func dates(_ count: Int, _ date: String = "2024-03-31") -> [String] {
        Array(repeating: date, count: count)
    }

    static func isInsertAll(_ request: HTTPRequest) -> Bool { request.url.hasSuffix("/insertAll") }

    /// The insertIds of an insertAll body, in order.
    static func insertIDs(_ body: [UInt8]) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        return text.components(separatedBy: #"{"insertId":""#).dropFirst().map { String($0.prefix(32)) }
    }

    /// A full load creates the dataset, table and view, sends spliced batches and journals acks and segmentLoaded.
    @Test func loadSendsSplicedBatchesAndJournalsEveryRow() throws {
        let staging = try Staging(segments: [Self.dates(3)])
        let fake = FakeGoogle { _, _ in okBody }
        let summary = try makeRunner(fake, log: staging.log, configuration: testConfiguration(maxRows: 2))
            .load(streams: [staging.stream])
        // The view is created on its own thread while the rows are sent, so it is checked apart from the order.
        let isView = { (call: (request: HTTPRequest, body: [UInt8])) in
            String(decoding: call.body, as: UTF8.self).contains(#""view":"#)
        }
        let views = fake.requests.filter(isView)
        let calls = fake.requests.filter { !isView($0) }
        let urls = calls.map { "\($0.request.method.rawValue) \($0.request.url)" }
        #expect(
            urls == [
                "POST https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets",
                "POST https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets/ds/tables",
                "POST https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets/ds/tables/ApInvoice/insertAll",
                "POST https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets/ds/tables/ApInvoice/insertAll",
            ]
        )
        #expect(views.count == 1)
        #expect(
            views.first.map { String(decoding: $0.body, as: UTF8.self) }
                == BigQueryPaths(configuration: testConfiguration()).viewBody(
                    "ApInvoice_current",
                    query: ViewSQL.currentState(raw: "`p.ds.ApInvoice`", keyColumns: ["Supplier", "Invoice"])
                ).text
        )
        // The first batch is the two stored lines spliced byte for byte.
        var lines: [[UInt8]] = []
        try staging.log.withReader(staging.manifests[0]) { reader in
            try reader.forEachRow(from: 0) { buffer, _ in
                lines.append([UInt8](buffer))
                return true
            }
        }
        let expected =
            Array(#"{"skipInvalidRows":false,"ignoreUnknownValues":false,"rows":[{"insertId":""#.utf8)
            + Array(StagingFixture.insertID(seq: 1, row: 0).utf8) + Array(#"","json":"#.utf8) + lines[0]
            + Array(#"},{"insertId":""#.utf8) + Array(StagingFixture.insertID(seq: 1, row: 1).utf8)
            + Array(#"","json":"#.utf8) + lines[1] + Array("}]}".utf8)
        #expect(calls[2].body == expected)
        #expect(String(decoding: lines[0], as: UTF8.self).contains(#""OrigInvValue":"1234.50""#))
        let records = try staging.journal.records()
        #expect(
            records.filter { if case .ack = $0 { return true } else { return false } }.count == 2
        )
        #expect(records.last == .segmentLoaded(seq: 1, rows: 3, quarantined: 0, mode: .insertAll, jobId: nil))
        #expect(summary.tables.first?.rowsAcknowledged == 3)
        #expect(summary.tables.first?.segmentsLoaded == 1)
        #expect(try staging.journal.isLoaded(1))
    }

    /// Two companies' streams of one SYSPRO table share one raw table; an existing dataset (409) is fine.
    @Test func companiesShareOneRawTable() throws {
        let staging = try Staging(segments: [Self.dates(2)])
        let other = try StreamID(company: "B", table: "ApInvoice")
        _ = try StagingFixture.write(log: staging.log, stream: other, segments: [Self.dates(1)])
        let fake = FakeGoogle { request, _ in
            request.url.hasSuffix("/datasets") ? errorBody(409, reason: "duplicate", message: "Already Exists") : okBody
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream, other])
        #expect(summary.failures.isEmpty)
        #expect(summary.tables.map(\.table) == ["ApInvoice"])
        #expect(summary.tables.first?.rowsAcknowledged == 3)
        let inserts = fake.requests.filter { Self.isInsertAll($0.request) }
        #expect(inserts.allSatisfy { $0.request.url.hasSuffix("/tables/ApInvoice/insertAll") })
        #expect(try LoadJournal(log: staging.log, stream: other).isLoaded(1))
    }

    /// A stream whose journal is locked by another load fails alone; the other company's stream still loads.
    @Test func oneStreamFailingDoesNotStopTheOthers() throws {
        let staging = try Staging(segments: [Self.dates(2)])
        let other = try StreamID(company: "B", table: "ApInvoice")
        _ = try StagingFixture.write(log: staging.log, stream: other, segments: [Self.dates(1)])
        let held = try LoadJournal(log: staging.log, stream: other).openAppender()
        defer { try? held.close() }
        let summary = try makeRunner(FakeGoogle { _, _ in okBody }, log: staging.log)
            .load(streams: [staging.stream, other])
        #expect(summary.failures.map(\.stream) == ["B/ApInvoice"])
        #expect(summary.failures.first?.error.code == .locked)
        #expect(try staging.journal.isLoaded(1))
    }

    /// `check` fetches a token and reads the dataset with it.
    @Test func checkReadsTheDatasetWithAToken() throws {
        let staging = try Staging(segments: [Self.dates(1)])
        let fake = FakeGoogle { _, _ in okBody }
        try makeRunner(fake, log: staging.log).check()
        #expect(
            fake.requests.map(\.request.url) == ["https://bigquery.googleapis.com/bigquery/v2/projects/p/datasets/ds"]
        )
        #expect(fake.requests.first?.request.headers.value(for: "Authorization") == "Bearer ya29.token-1")
        #expect(fake.tokensIssued == 1)
    }

    /// A second load of a loaded stream sends no rows.
    @Test func loadedSegmentsAreNotSentAgain() throws {
        let staging = try Staging(segments: [Self.dates(2)])
        let fake = FakeGoogle { _, _ in okBody }
        let runner = try makeRunner(fake, log: staging.log)
        _ = try runner.load(streams: [staging.stream])
        let before = fake.requests.filter { Self.isInsertAll($0.request) }.count
        _ = try runner.load(streams: [staging.stream])
        #expect(fake.requests.filter { Self.isInsertAll($0.request) }.count == before)
    }

    /// An `invalid` row is quarantined with its reason; the `stopped` rows are resent with the same insertIds.
    @Test func invalidRowIsQuarantinedAndStoppedRowsAreResent() throws {
        let staging = try Staging(segments: [Self.dates(3)])
        var insertAlls = 0
        let fake = FakeGoogle { request, _ in
            guard Self.isInsertAll(request) else { return okBody }
            insertAlls += 1
            guard insertAlls == 1 else { return .respond(status: 200, text: "{}") }
            return .respond(
                status: 200,
                text:
                    #"{"insertErrors":[{"index":0,"errors":[{"reason":"stopped","message":""}]},{"index":1,"errors":[{"reason":"invalid","location":"OrigInvValue","message":"Invalid NUMERIC"}]},{"index":2,"errors":[{"reason":"stopped","message":""}]}]}"#
            )
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        let bodies = fake.requests.filter { Self.isInsertAll($0.request) }.map(\.body)
        #expect(bodies.count == 2)
        #expect(
            Self.insertIDs(bodies[1]) == [
                StagingFixture.insertID(seq: 1, row: 0), StagingFixture.insertID(seq: 1, row: 2),
            ]
        )
        let records = try staging.journal.records()
        #expect(
            records.contains(
                .quarantine(
                    seq: 1,
                    row: 1,
                    reason: "BigQuery rejected the row (invalid at OrigInvValue): Invalid NUMERIC"
                )
            )
        )
        #expect(records.last == .segmentLoaded(seq: 1, rows: 3, quarantined: 1, mode: .insertAll, jobId: nil))
        let quarantined = try String(
            contentsOfFile: staging.log.path(staging.stream, .quarantinedRows(1)),
            encoding: .utf8
        )
        #expect(quarantined.contains("INV-1"))
        #expect(summary.tables.first?.rowsQuarantined == 1)
        #expect(summary.tables.first?.rowsAcknowledged == 2)
    }

    /// A 413 halves the batch until it fits; a single row refused once more is sent again after a backoff, not
    /// quarantined (it is under the request limit, so the 413 was not about it), and then acknowledged.
    @Test func payloadTooLargeHalvesTheBatch() throws {
        let staging = try Staging(segments: [Self.dates(4)])
        let refusedAlone = Mutex(false)
        let fake = FakeGoogle { request, body in
            guard Self.isInsertAll(request) else { return okBody }
            let ids = Self.insertIDs(body)
            if ids == [StagingFixture.insertID(seq: 1, row: 3)] {
                let first = refusedAlone.withLock { refused in
                    defer { refused = true }
                    return !refused
                }
                if first { return .respond(status: 413, text: "too large") }
                return okBody
            }
            if ids.contains(StagingFixture.insertID(seq: 1, row: 3)) { return .respond(status: 413, text: "too large") }
            return ids.count > 2 ? .respond(status: 413, text: "too large") : okBody
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        let sizes = fake.requests.filter { Self.isInsertAll($0.request) }.map { Self.insertIDs($0.body).count }
        #expect(sizes == [4, 2, 2, 1, 1, 1])
        let table = try #require(summary.tables.first)
        #expect(table.splits413 == 2)
        #expect(table.rowsQuarantined == 0)
        #expect(table.rowsAcknowledged == 4)
        #expect(try staging.journal.state().quarantinedRows(1).isEmpty)
    }

    /// A single small row refused with 413 on every attempt stops the table with a terminal error; the row stays
    /// pending (neither acknowledged nor quarantined), so a later load sends it again.
    @Test func persistentPayloadTooLargeOnOneRowLeavesItPending() throws {
        let staging = try Staging(segments: [Self.dates(4)])
        let fake = FakeGoogle { request, body in
            guard Self.isInsertAll(request) else { return okBody }
            let ids = Self.insertIDs(body)
            return ids.contains(StagingFixture.insertID(seq: 1, row: 3))
                ? .respond(status: 413, text: "too large") : okBody
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        let failure = try #require(summary.failures.first)
        #expect(failure.error.message.contains("holding only line 3 was refused as too large (HTTP 413)"))
        #expect(failure.error.disposition == .terminal)
        #expect(try staging.journal.state().quarantinedRows(1).isEmpty)
        #expect(summary.tables.first?.rowsQuarantined ?? 0 == 0)
    }

    /// Transient failures are retried with backoff; others fail the table with a classified error.
    @Test(arguments: [
        (errorBody(429, reason: "rateLimitExceeded"), true, false),
        (errorBody(500, reason: "internalError"), true, false),
        (errorBody(503, reason: "backendError"), true, false),
        (errorBody(403, reason: "rateLimitExceeded"), true, false),
        (errorBody(403, reason: "quotaExceeded"), true, true),
        (ScriptedResponse.timeout, true, false),
        (errorBody(400, reason: "invalid"), false, false),
        (errorBody(403, reason: "accessDenied"), false, false),
    ])
    func insertAllFailuresAreRetriedOrReported(failure: ScriptedResponse, retried: Bool, longWait: Bool) throws {
        let staging = try Staging(segments: [Self.dates(2)])
        var failed = false
        let fake = FakeGoogle { request, _ in
            guard Self.isInsertAll(request), !failed else { return okBody }
            failed = true
            return failure
        }
        let clock = ManualClock()
        let runner = try makeRunner(fake, log: staging.log, clock: clock)
        if retried {
            let summary = try runner.load(streams: [staging.stream])
            #expect(summary.failures.isEmpty)
            #expect(try staging.journal.isLoaded(1))
            #expect(summary.tables.first?.retries.values.reduce(0, +) == 1)
            #expect(clock.sleeps.contains { $0 >= 600 } == longWait)
        } else {
            // Table-level failures are reported in the summary; credential failures (403) stop the whole run.
            let error: SysproBQError
            do {
                error = try #require(try runner.load(streams: [staging.stream]).failures.first?.error)
            } catch let thrown as SysproBQError {
                #expect(thrown.code == .credentials)
                error = thrown
            }
            #expect(error.disposition != .retryable)
            #expect(try !staging.journal.isLoaded(1))
            if case .http(404, _)? = error.cause {
                #expect(error.remedy?.contains("run load again to create it") == true)
            }
        }
    }

    /// A view BigQuery refuses is reported for its table while the rows still load (views are made on their own
    /// thread beside the rows, and no row depends on one).
    @Test func refusedViewIsReportedAndRowsStillLoad() throws {
        let staging = try Staging(segments: [Self.dates(2)])
        let fake = FakeGoogle { _, body in
            String(decoding: body, as: UTF8.self).contains(#""view":"#)
                ? errorBody(400, reason: "invalidQuery", message: "Syntax error") : okBody
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        #expect(try staging.journal.isLoaded(1))
        #expect(summary.tables.first?.rowsAcknowledged == 2)
        let failure = try #require(summary.failures.first)
        #expect(failure.table == "ApInvoice" && failure.stream == nil)
        #expect(failure.error.message.contains("Syntax error"))
    }

    /// A table dropped while loading is created again and the batch retried once; a second 404 stops the table
    /// with a remedy.
    @Test(arguments: [1, 2])
    func missingTableIsCreatedAgainOnce(notFoundAnswers: Int) throws {
        let staging = try Staging(segments: [Self.dates(2)])
        var answered = 0
        let fake = FakeGoogle { request, _ in
            guard Self.isInsertAll(request), answered < notFoundAnswers else { return okBody }
            answered += 1
            return errorBody(404, reason: "notFound", message: "Not found: Table p:ds.ApInvoice")
        }
        let summary = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        // Views are created on their own thread while rows are sent, so their requests are left out of the order.
        let methods = fake.requests.filter { !String(decoding: $0.body, as: UTF8.self).contains(#""view":"#) }
            .dropFirst(2).map { Self.isInsertAll($0.request) ? "insertAll" : $0.request.method.rawValue }
        if notFoundAnswers == 1 {
            #expect(methods == ["insertAll", "POST", "insertAll"])
            #expect(try staging.journal.isLoaded(1))
        } else {
            let error = try #require(summary.failures.first?.error)
            #expect(error.remedy == "table missing: run load again to create it")
            #expect(methods == ["insertAll", "POST", "insertAll"])
            #expect(try !staging.journal.isLoaded(1))
        }
    }

    /// After a crash with rows 0..<1000 acknowledged, the next load starts at row 1000 with the same insertIds.
    @Test func crashResumeStartsAtFirstUnacknowledgedRow() throws {
        let staging = try Staging(segments: [Self.dates(1500)])
        try staging.journal.append(
            .ack(
                seq: 1,
                firstRow: 0,
                rowCount: 1000,
                insertIdFirst: StagingFixture.insertID(seq: 1, row: 0),
                insertIdLast: StagingFixture.insertID(seq: 1, row: 999),
                response: "HTTP 200"
            )
        )
        let fake = FakeGoogle { _, _ in okBody }
        _ = try makeRunner(fake, log: staging.log).load(streams: [staging.stream])
        let ids = fake.requests.filter { Self.isInsertAll($0.request) }.flatMap { Self.insertIDs($0.body) }
        #expect(ids.count == 500)
        #expect(ids.first == StagingFixture.insertID(seq: 1, row: 1000))
        #expect(ids.last == StagingFixture.insertID(seq: 1, row: 1499))
        #expect(try staging.journal.isLoaded(1))
    }

    /// With four requests in flight, acknowledgements are still journaled in row order.
    @Test func concurrentRequestsJournalInOrder() throws {
        let staging = try Staging(segments: [Self.dates(40), Self.dates(13)])
        let fake = FakeGoogle { request, _ in
            if Self.isInsertAll(request) { usleep(UInt32.random(in: 0..<3000)) }
            return okBody
        }
        let summary = try makeRunner(
            fake,
            log: staging.log,
            configuration: testConfiguration(concurrency: 4, maxRows: 5)
        )
        .load(streams: [staging.stream])
        var expectedStart: [UInt64: Int64] = [1: 0, 2: 0]
        for record in try staging.journal.records() {
            if case .ack(let seq, let first, let count, _, _, _) = record {
                #expect(first == expectedStart[seq])
                expectedStart[seq] = first + count
            }
        }
        #expect(expectedStart == [1: 40, 2: 13])
        #expect(summary.tables.first?.segmentsLoaded == 2)
        #expect(summary.tables.first?.requests == 11)
    }

    /// A failure mid-run journals only the batches before it; the rerun sends the rest.
    @Test func failureStopsJournalingAndRerunCompletes() throws {
        let staging = try Staging(segments: [Self.dates(10)])
        var calls = 0
        var broken = true
        let fake = FakeGoogle { request, _ in
            guard Self.isInsertAll(request) else { return okBody }
            calls += 1
            return broken && calls == 2 ? errorBody(400, reason: "invalid") : okBody
        }
        let runner = try makeRunner(fake, log: staging.log, configuration: testConfiguration(maxRows: 3))
        let first = try runner.load(streams: [staging.stream])
        #expect(first.failures.count == 1)
        #expect(try staging.journal.progress(1) == [0..<3])
        broken = false
        _ = try runner.load(streams: [staging.stream])
        #expect(try staging.journal.isLoaded(1))
    }
}
