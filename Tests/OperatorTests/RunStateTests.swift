import Common
import Foundation
import Operator
import Testing

@Suite("Run-state files and the status JSON shape")
struct RunStateTests {
    static let start = Date(timeIntervalSince1970: 1_764_255_600)  // 2025-11-27T15:00:00Z

    static func summary(_ streams: [RunSummary.Stream], at offset: Double, command: String = "extract") -> RunSummary {
        RunSummary(
            command: command,
            runID: "20251127T150000Z-00000\(Int(offset) % 10)",
            startedAt: start,
            finishedAt: start.addingTimeInterval(offset),
            outcome: streams.contains { $0.errors > 0 } ? .failed : .succeeded,
            exitCode: streams.contains { $0.errors > 0 } ? 69 : 0,
            streams: streams
        )
    }

    /// A success records rows and tombstones; a later failure keeps that success and adds code and message;
    /// streams of the other side are ignored.
    @Test func successThenFailureKeepsBoth() {
        var state = RunState(side: .extract)
        state = state.updated(
            with: Self.summary(
                [
                    RunSummary.Stream(company: "A", table: "ApInvoice", stage: .extract, rows: 10, tombstones: 2),
                    RunSummary.Stream(company: "A", table: "ApInvoice", stage: .load, rows: 10),
                ],
                at: 1
            ),
            side: .extract
        )
        state = state.updated(
            with: Self.summary(
                [
                    RunSummary.Stream(
                        company: "A",
                        table: "ApInvoice",
                        stage: .extract,
                        errors: 1,
                        error: "SYSPRO refused the logon (HTTP 401)",
                        errorCode: "credentials"
                    )
                ],
                at: 2
            ),
            side: .extract
        )
        #expect(state.streams.count == 1)
        let stream = state.stream(company: "A", table: "ApInvoice")
        #expect(stream?.lastSuccess?.rows == 10)
        #expect(stream?.lastSuccess?.tombstones == 2)
        #expect(stream?.lastSuccess?.at == "2025-11-27T15:00:01.000Z")
        #expect(stream?.lastFailure?.code == "credentials")
        #expect(stream?.lastFailure?.message == "SYSPRO refused the logon (HTTP 401)")
        #expect(state.lastPass?.exitCode == 69)
    }

    /// A load stream recorded for several companies updates each company's entry.
    @Test func loadStreamForSeveralCompaniesUpdatesEach() {
        let state = RunState(side: .load).updated(
            with: Self.summary(
                [RunSummary.Stream(company: "A,B", table: "GenTransaction", stage: .load, rows: 4)],
                at: 1,
                command: "load"
            ),
            side: .load
        )
        #expect(state.streams.map(\.company) == ["A", "B"])
    }

    /// The file is written atomically with mode 0600 and reads back equal.
    @Test func writesAndReadsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-state-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = RunState(side: .load).updated(
            with: Self.summary([RunSummary.Stream(company: "A", table: "ApInvoice", stage: .load, rows: 3)], at: 1),
            side: .load
        )
        try state.write(directory: directory.path)
        let path = directory.appendingPathComponent("run-state-load.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try RunState.read(side: .load, directory: directory.path) == state)
        #expect(try RunState.read(side: .extract, directory: directory.path) == nil)
    }

    /// A damaged run-state file is a corruption error naming the file, with a remedy.
    @Test func damagedFileIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-state-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("run-state-extract.json"))
        #expect {
            try RunState.read(side: .extract, directory: directory.path)
        } throws: { error in
            guard let error = error as? SysproBQError else { return false }
            return error.code == .corruption && error.message.contains("run-state-extract.json") && error.remedy != nil
        }
    }

    /// Every stream key of `status --json` is present even when unknown, so schedulers can rely on the shape.
    @Test func statusStreamKeysAreAlwaysPresent() throws {
        let data = try JSONEncoder().encode(StatusReport.Stream(company: "A", table: "ApInvoice"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        #expect(
            Set(object.keys) == [
                "company", "table", "watermark", "last_sealed_segment", "last_extract_at", "last_extract_run_id",
                "last_extract_rows", "last_extract_tombstones", "last_load_at", "segments_pending", "rows_pending",
                "oldest_pending_extracted_at", "load_lag_seconds", "extract_age_seconds", "last_error",
            ]
        )
        #expect(object["watermark"] is NSNull)
        #expect((object["rows_pending"] as? NSNumber)?.intValue == 0)
    }
}
