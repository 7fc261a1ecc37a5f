import Common
import Extract
import Foundation
import Logging
import Testing

@testable import SegmentLog
@testable import Stage

@Suite struct StageRunnerTests {
    private let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    private func entry(strategy: ChangeStrategy) -> CatalogEntry {
        CatalogEntry(
            table: "ApInvoice",
            keyColumns: ["Supplier", "Invoice"],
            columns: [
                CatalogColumn(name: "Supplier", sqlType: .varchar(15), nullable: false),
                CatalogColumn(name: "Invoice", sqlType: .varchar(20), nullable: false),
                CatalogColumn(name: "Payload", sqlType: .varchar(50)),
                CatalogColumn(name: "Amount", sqlType: .decimal(precision: 14, scale: 2)),
                CatalogColumn(name: "InvoiceDate", sqlType: .datetime),
            ],
            changeStrategies: [strategy],
            businessDateColumn: "InvoiceDate",
            amountColumns: ["Amount"]
        )
    }

    private func makeLog() throws -> (StagingLog, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString)").path
        return (try StagingLog(root: root, logger: logger), root)
    }

    private func rows(
        _ count: Int,
        version: (Int) -> String? = { String(format: "0x%016X", $0 + 1) }
    ) -> [FakeSource.Row] {
        (0..<count).map { number in
            FakeSource.Row(
                keys: [String(format: "%6d", number), "INV-\(number)"],
                rowVersion: version(number),
                businessDate: String(format: "2024-01-%02d", number % 28 + 1),
                amount: "\(number).25",
                payload: "p\(number)"
            )
        }
    }

    private func stagedLines(_ log: StagingLog) throws -> [[String: Any]] {
        let stream = try StreamID(company: "A", table: "ApInvoice")
        var lines: [[String: Any]] = []
        for manifest in try log.manifests(of: stream) {
            try log.withReader(manifest) { reader in
                try reader.forEachRow(from: 0) { line, _ in
                    lines.append(try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any])
                    return true
                }
            }
        }
        return lines
    }

    /// A first snapshot stages every row once; an unchanged second snapshot stages nothing.
    @Test func unchangedSnapshotStagesNothing() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(10, version: { _ in nil }), strategy: .snapshot)
        let runner = StageRunner(log: log, source: source, logger: logger)
        let first = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        #expect(first.rowsStaged == 10 && first.tombstones == 0 && first.segmentsSealed == 1)
        let second = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r2")
        #expect(second.rowsStaged == 0 && second.rowsUnchanged == 10 && second.segmentsSealed == 0)
        #expect(try stagedLines(log).count == 10)
    }

    /// A snapshot stages changed rows, reverted rows, and a tombstone for each vanished key.
    @Test func snapshotStagesChangesAndTombstones() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(5, version: { _ in nil }), strategy: .snapshot)
        let runner = StageRunner(log: log, source: source, logger: logger)
        _ = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        source.rows[1].amount = "999.99"
        source.rows.remove(at: 3)
        let second = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r2")
        #expect(second.rowsStaged == 1 && second.tombstones == 1)
        source.rows[1].amount = "1.25"
        let third = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r3")
        #expect(third.rowsStaged == 1, "content that reverts to an earlier value is a new version")
        let lines = try stagedLines(log)
        let tombstones = lines.filter { $0["_deleted"] as? Bool == true }
        #expect(tombstones.count == 1)
        #expect(tombstones.first?["Supplier"] as? String == "     3")
        #expect(tombstones.first?["Payload"] == nil)
    }

    /// The rowversion cursor advances to the last sealed row; the next run asks only for newer rows.
    @Test func rowVersionCursorAdvancesAfterSeal() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(7), strategy: .rowVersion)
        let runner = StageRunner(log: log, source: source, options: StageOptions(sweepEveryRuns: 0), logger: logger)
        let first = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
        #expect(first.cursorAfter == "0x0000000000000007")
        source.rows.append(contentsOf: rows(9).suffix(2))
        let second = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r2")
        #expect(source.windows.last == .rowVersion(after: "0x0000000000000007"))
        #expect(second.rowsStaged == 2 && second.cursorAfter == "0x0000000000000009")
    }

    /// A crash after a seal but before the watermark moved re-reads sealed rows, and none is staged twice.
    @Test func lostWatermarkDoesNotDuplicateRows() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(6), strategy: .rowVersion)
        let runner = StageRunner(log: log, source: source, options: StageOptions(sweepEveryRuns: 0), logger: logger)
        _ = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
        try FileManager.default.removeItem(atPath: root + "/A/ApInvoice/" + StreamState.fileName)
        let again = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r2")
        #expect(again.rowsStaged == 0 && again.rowsUnchanged == 6)
        #expect(try stagedLines(log).count == 6)
    }

    /// Rows whose keys need escapes in the staged line (quote, backslash, control characters, non-ASCII) beside
    /// plain ones: the version index folded back from the segments knows every staged version and tombstone.
    private func awkwardRows(version: @escaping (Int) -> String? = { _ in nil }) -> [FakeSource.Row] {
        var awkward = rows(8, version: version)
        awkward[1].keys[1] = "IN\"V\\1"
        awkward[2].keys[1] = "line\nbreak\ttab"
        awkward[3].keys[1] = "ctl\u{01}\u{e9}\u{1F600}"
        awkward[4].keys[0] = "      "
        return awkward
    }

    /// A snapshot table's index, rebuilt from its segments (no cached index file), leaves unchanged rows
    /// unstaged, keeps a vanished key deleted, and stages that key again when it returns.
    @Test func indexFoldedFromSegmentsKnowsEveryStagedVersion() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let awkward = awkwardRows()
        let source = FakeSource(rows: awkward, strategy: .snapshot)
        let runner = StageRunner(log: log, source: source, logger: logger)
        let cache = root + "/A/ApInvoice/" + VersionIndexFile.fileName
        _ = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        source.rows.remove(at: 2)
        let second = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r2")
        #expect(second.rowsStaged == 0 && second.tombstones == 1)
        try FileManager.default.removeItem(atPath: cache)
        let third = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r3")
        #expect(third.rowsStaged == 0 && third.rowsUnchanged == 7 && third.tombstones == 0)
        source.rows.insert(awkward[2], at: 2)
        // The third run sealed nothing, so it saved no index: the fourth folds the segments again.
        #expect(!FileManager.default.fileExists(atPath: cache))
        let fourth = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r4")
        #expect(fourth.rowsStaged == 1 && fourth.rowsUnchanged == 7 && fourth.tombstones == 0)
        #expect(try stagedLines(log).count == 10)
    }

    /// A rowversion table of ``awkwardRows(version:)`` (versions 0x…01 to 0x…08), extracted once.
    private func stagedAwkwardRowVersionTable() throws -> (StagingLog, String, FakeSource, StageRunner) {
        let (log, root) = try makeLog()
        let source = FakeSource(
            rows: awkwardRows(version: { String(format: "0x%016X", $0 + 1) }),
            strategy: .rowVersion
        )
        let runner = StageRunner(log: log, source: source, options: StageOptions(sweepEveryRuns: 0), logger: logger)
        _ = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
        return (log, root, source, runner)
    }

    /// The re-read overlap of a rowversion table (its last segments, folded up front when the watermark is lost)
    /// recognises rows with awkward keys: the run re-reads them and stages none twice.
    @Test func overlapIndexRecognisesAwkwardKeys() throws {
        let (log, root, _, runner) = try stagedAwkwardRowVersionTable()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.removeItem(atPath: root + "/A/ApInvoice/" + StreamState.fileName)
        let again = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r2")
        #expect(again.rowsStaged == 0 && again.rowsUnchanged == 8)
        #expect(try stagedLines(log).count == 8)
    }

    /// An incremental rowversion run leaves its re-read overlap unread until a row at or below the sealed
    /// versions arrives; a source that re-sends sealed rows then gets them recognised all the same.
    @Test func resentSealedRowsAreRecognisedByTheDeferredOverlap() throws {
        let (log, root, source, runner) = try stagedAwkwardRowVersionTable()
        defer { try? FileManager.default.removeItem(atPath: root) }
        source.rows.append(contentsOf: rows(10, version: { String(format: "0x%016X", $0 + 1) }).suffix(2))
        source.ignoresRowVersionBound = true
        let again = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r2")
        #expect(source.windows.last == .rowVersion(after: "0x0000000000000008"))
        #expect(again.rowsStaged == 2 && again.rowsUnchanged == 8)
        #expect(again.cursorAfter == "0x000000000000000A")
        #expect(try stagedLines(log).count == 10)
    }

    /// The overlap is deferred only when the run reads above every version its segments hold.
    @Test func overlapIsDeferredOnlyAboveItsHorizon() throws {
        func manifest(_ sequence: UInt64, to: String?) throws -> Manifest {
            Manifest(
                stream: try StreamID(company: "A", table: "T"),
                sequence: sequence,
                createdAt: "2026-11-28T12:00:00.000Z",
                runID: "r",
                sourceQuery: "T",
                cursor: CursorRange(from: nil, to: to),
                businessDates: nil,
                rowCount: 1,
                compressedSize: 0,
                uncompressedSize: 0,
                segmentSHA256: String(repeating: "ab", count: 32),
                blocks: [],
                controlTotals: try ControlTotals(rowCount: 1, amounts: [:]),
                schemaFingerprint: String(repeating: "cd", count: 32),
                previousManifestHash: String(repeating: "0", count: 64)
            )
        }
        let window = [try manifest(1, to: "0x05"), try manifest(2, to: "0x09")]
        let deferred = try #require(DeferredOverlap(window: window, reading: .rowVersion(after: "0x09")))
        #expect(deferred.horizon == "0x09")
        #expect(deferred.isAbove("0x0A") && !deferred.isAbove("0x09") && !deferred.isAbove(nil))
        #expect(DeferredOverlap(window: window, reading: .rowVersion(after: "0x08")) == nil)
        #expect(DeferredOverlap(window: window, reading: .rowVersion(after: nil)) == nil)
        #expect(DeferredOverlap(window: [], reading: .rowVersion(after: "0x09")) == nil)
        #expect(DeferredOverlap(window: [try manifest(1, to: nil)], reading: .rowVersion(after: "0x09")) == nil)
    }

    /// A read that fails half way seals the complete pages, keeps the cursor on them, and writes no tombstone.
    @Test func failedReadSealsCompletePagesAndNeverDeletes() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(9, version: { _ in nil }), strategy: .snapshot)
        let runner = StageRunner(log: log, source: source, logger: logger)
        _ = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        source.rows.removeLast()
        source.rows[0].amount = "5.00"
        source.failAfterPages = (1, SysproBQError(.transport, "reset", disposition: .retryable))
        #expect(throws: SysproBQError.self) {
            try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r2")
        }
        let lines = try stagedLines(log)
        #expect(lines.count == 10, "the changed row of the first page is sealed")
        #expect(!lines.contains { $0["_deleted"] as? Bool == true })
        #expect(
            try StagingLog(root: root, logger: logger).manifests(of: StreamID(company: "A", table: "ApInvoice")).count
                == 2
        )
    }

    /// Reading the next page on a second thread and compressing blocks in the background stage the same rows,
    /// in the same order, with the same insertIds and segments as the single-threaded path.
    @Test func pipelinedRunStagesTheSameRowsAsInline() throws {
        var staged: [[String]] = []
        var manifests: [[Int64]] = []
        for pipelined in [false, true] {
            let (log, root) = try makeLog()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let source = FakeSource(rows: rows(50), strategy: .rowVersion, pageSize: 4)
            let options = StageOptions(
                segmentMaxRows: 9,
                blockSize: 300,
                sweepEveryRuns: 0,
                prefetchPages: pipelined,
                compressInBackground: pipelined
            )
            let runner = StageRunner(log: log, source: source, options: options, logger: logger)
            let result = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
            #expect(result.rowsStaged == 50 && result.pages == 13)
            staged.append(try stagedLines(log).map { "\($0["_segment"]!)/\($0["_line"]!)/\($0["_insert_id"]!)" })
            let stream = try StreamID(company: "A", table: "ApInvoice")
            manifests.append(try log.manifests(of: stream).map(\.rowCount))
        }
        #expect(staged[0].count == 50)
        #expect(staged[1] == staged[0])
        #expect(manifests[1] == manifests[0])
    }

    /// When staging a page fails, the prefetching reader stops: the error is the staging error and the source
    /// reads at most two pages past the failing one (one waiting in the hand-off, one blocked handing over).
    @Test func stagingFailureStopsThePrefetchingReader() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var table = rows(30)
        table[5].amount = "not a decimal"
        let source = FakeSource(rows: table, strategy: .rowVersion, pageSize: 3)
        let runner = StageRunner(log: log, source: source, options: StageOptions(sweepEveryRuns: 0), logger: logger)
        #expect(throws: SysproBQError.self) {
            try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
        }
        #expect(source.pagesDelivered <= 4, "page 1 failed; at most pages 2 and 3 were read ahead")
    }

    /// A cancelled run seals what it read, reports the interruption, and writes no tombstone.
    @Test func cancelledRunStopsSafely() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(9, version: { _ in nil }), strategy: .snapshot)
        let runner = StageRunner(log: log, source: source, logger: logger, isCancelled: { true })
        let result = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        #expect(result.interrupted && result.rowsStaged == 3 && result.tombstones == 0)
        #expect(try stagedLines(log).count == 3)
    }

    /// A backfill reads its date range and leaves the live cursor where it was.
    @Test func backfillNeverMovesTheCursor() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(6), strategy: .rowVersion)
        let runner = StageRunner(log: log, source: source, options: StageOptions(sweepEveryRuns: 0), logger: logger)
        _ = try runner.run(entry: entry(strategy: .rowVersion), company: "A", runID: "r1")
        source.rows.append(contentsOf: rows(8).suffix(2))
        let backfill = try runner.run(
            entry: entry(strategy: .rowVersion),
            company: "A",
            runID: "r2",
            mode: .backfill(from: "2024-01-07", through: "2024-01-08")
        )
        #expect(source.windows.last == .businessDate(from: "2024-01-07", through: "2024-01-08"))
        #expect(backfill.rowsStaged == 2)
        #expect(backfill.cursorAfter == "0x0000000000000006")
    }

    /// Segments are cut at page boundaries once they reach the row limit, and carry exact control totals.
    @Test func segmentsAreCutAndCarryExactTotals() throws {
        let (log, root) = try makeLog()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = FakeSource(rows: rows(10, version: { _ in nil }), strategy: .snapshot, pageSize: 2)
        let runner = StageRunner(log: log, source: source, options: StageOptions(segmentMaxRows: 4), logger: logger)
        let result = try runner.run(entry: entry(strategy: .snapshot), company: "A", runID: "r1")
        #expect(result.segmentsSealed == 3)
        let manifests = try log.manifests(of: StreamID(company: "A", table: "ApInvoice"))
        #expect(manifests.map(\.rowCount) == [4, 4, 2])
        #expect(manifests[0].controlTotals.amounts["Amount"] == "7.00")
        #expect(manifests.map(\.businessDates?.min) == ["2024-01-01", "2024-01-05", "2024-01-09"])
    }
}
