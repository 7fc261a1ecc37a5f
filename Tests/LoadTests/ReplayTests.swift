import Common
import Foundation
import SegmentLog
import Testing

@testable import Load

@Suite struct ReplayTests {
    /// Three segments: January, January–February, March.
    static func staging() throws -> StreamingLoadTests.Staging {
        try StreamingLoadTests.Staging(segments: [
            ["2024-01-05", "2024-01-20"],
            ["2024-01-31", "2024-02-01", "2024-02-15"],
            ["2024-03-01"],
        ])
    }

    /// A dry run lists the overlapping segments with their in-range row counts and sends nothing.
    @Test func dryRunListsSegmentsAndRowCounts() throws {
        let staging = try Self.staging()
        let fake = FakeGoogle { _, _ in okBody }
        let summary = try makeRunner(fake, log: staging.log)
            .replay(stream: staging.stream, from: "2024-01-15", to: "2024-01-31", dryRun: true)
        #expect(summary.segments.map(\.sequence) == [1, 2])
        #expect(summary.segments.map(\.rowsInRange) == [1, 1])
        #expect(summary.segments.map(\.rowCount) == [2, 3])
        #expect(fake.requests.isEmpty)
        #expect(try staging.journal.records().isEmpty)
    }

    /// A replay sends only in-range rows, with their original insertIds, after a `replay` journal record.
    @Test func replaySendsOnlyInRangeRowsWithOriginalInsertIDs() throws {
        let staging = try Self.staging()
        let fake = FakeGoogle { _, _ in okBody }
        let runner = try makeRunner(fake, log: staging.log)
        _ = try runner.load(streams: [staging.stream])
        let loadedRequests = fake.requests.count
        let summary = try runner.replay(stream: staging.stream, from: "2024-01-15", to: "2024-01-31", dryRun: false)
        let sent = fake.requests.dropFirst(loadedRequests).filter { StreamingLoadTests.isInsertAll($0.request) }
            .flatMap { StreamingLoadTests.insertIDs($0.body) }
        #expect(sent == [StagingFixture.insertID(seq: 1, row: 1), StagingFixture.insertID(seq: 2, row: 0)])
        #expect(summary.load?.rowsAcknowledged == 2)
        let records = try staging.journal.records()
        #expect(records.contains(.replay(seq: 1, generation: 1, reason: "replay 2024-01-15..2024-01-31")))
        #expect(records.contains(.replay(seq: 2, generation: 1, reason: "replay 2024-01-15..2024-01-31")))
        // Segments loaded before stay loaded; segment 3 was never touched.
        #expect(try staging.journal.isLoaded(1) && staging.journal.isLoaded(2) && staging.journal.isLoaded(3))
        // Nothing was created or changed but the raw table check: the views are not rewritten by a replay.
        #expect(
            !fake.requests.dropFirst(loadedRequests).contains {
                String(decoding: $0.body, as: UTF8.self).contains("\"view\"")
            }
        )
    }

    /// A second replay of the same segment gets the next generation.
    @Test func replayGenerationsCount() throws {
        let staging = try Self.staging()
        let runner = try makeRunner(FakeGoogle { _, _ in okBody }, log: staging.log)
        _ = try runner.replay(stream: staging.stream, from: "2024-03-01", to: "2024-03-01", dryRun: false)
        _ = try runner.replay(stream: staging.stream, from: "2024-03-01", to: "2024-03-01", dryRun: false)
        #expect(
            try staging.journal.records().contains(
                .replay(seq: 3, generation: 2, reason: "replay 2024-03-01..2024-03-01")
            )
        )
    }

    /// A reversed or malformed range is refused.
    @Test func badRangeIsRefused() throws {
        let staging = try Self.staging()
        let runner = try makeRunner(FakeGoogle { _, _ in okBody }, log: staging.log)
        #expect(throws: SysproBQError.self) {
            try runner.replay(stream: staging.stream, from: "2024-02-01", to: "2024-01-01", dryRun: true)
        }
    }
}

@Suite struct QueryClientTests {
    /// jobComplete false is followed through getQueryResults, then every page is collected.
    @Test func incompleteQueryIsFollowedAcrossPages() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try StagingLog(root: directory.path, clock: ManualClock(), logger: StagingFixture.logger)
        var calls = 0
        let fake = FakeGoogle { _, _ in
            calls += 1
            switch calls {
            case 1:
                return .respond(
                    status: 200,
                    text: #"{"jobComplete":false,"jobReference":{"jobId":"q1","location":"US"}}"#
                )
            case 2:
                return .respond(
                    status: 200,
                    text:
                        #"{"jobComplete":true,"schema":{"fields":[{"name":"net"}]},"rows":[{"f":[{"v":"10.00"}]}],"pageToken":"p2"}"#
                )
            default:
                return .respond(
                    status: 200,
                    text: #"{"jobComplete":true,"schema":{"fields":[{"name":"net"}]},"rows":[{"f":[{"v":"-0.01"}]}]}"#
                )
            }
        }
        let result = try makeRunner(fake, log: log).query(QueryRequest(sql: "SELECT net FROM t"))
        #expect(result.rows == [["10.00"], ["-0.01"]])
        #expect(result.value(row: 1, column: "net") == "-0.01")
        let urls = fake.requests.map(\.request.url)
        #expect(urls[0] == "https://bigquery.googleapis.com/bigquery/v2/projects/p/queries")
        #expect(
            urls[1]
                == "https://bigquery.googleapis.com/bigquery/v2/projects/p/queries/q1?timeoutMs=10000&formatOptions.useInt64Timestamp=true&location=US"
        )
        #expect(urls[2].hasSuffix("&pageToken=p2"))
    }

    /// A query error in a 200 body (the emulator) and a 400 invalidQuery (BigQuery) are both errors.
    @Test(arguments: [
        ScriptedResponse.respond(
            status: 200,
            text:
                #"{"jobComplete":true,"errors":[{"reason":"invalidQuery","message":"Syntax error"}],"schema":{"fields":[]}}"#
        ),
        errorBody(400, reason: "invalidQuery", message: "Syntax error"),
    ])
    func queryErrorsInEitherShapeAreReported(answer: ScriptedResponse) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try StagingLog(root: directory.path, clock: ManualClock(), logger: StagingFixture.logger)
        do {
            _ = try makeRunner(FakeGoogle { _, _ in answer }, log: log).query(QueryRequest(sql: "SELEC 1"))
            Issue.record("expected an error")
        } catch let error as SysproBQError {
            #expect(error.disposition == .terminal)
            #expect(error.description.contains("Syntax error"))
        }
    }
}
