import Foundation
import Testing

@testable import SegmentLog

/// A reproducible manifest workload for instruction counting (callgrind), behind SYSPRO_BQ_BENCH_MANIFEST:
/// seal-side encoding (hash and file bytes) and load-side decoding of a GenTransaction manifest with the
/// journal and account groups of about 100k rows (~1.1 MB of canonical JSON).
///
/// `valgrind --tool=callgrind --toggle-collect='*manifestBenchSeal*' …` counts one phase; see the report.
@Suite struct ManifestBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["SYSPRO_BQ_BENCH_MANIFEST"] != nil

    /// Journal and account groups shaped like a 100k-row GenTransaction segment's.
    static func benchTotals() throws -> ControlTotals {
        var groups: [String: [String: String]] = [:]
        for index in 0..<8200 {
            let period = 1 + index % 12
            groups["journal:2024-\(period)-\(100_000 + index)"] = [
                "debit": "\(index * 37).45", "credit": "\(index * 37).45",
            ]
            groups["account:2024-\(period)-\(10_000 + index % 3000)-\(index % 7)"] = [
                "debit": "\(index * 11).10", "credit": "\(index * 5).05",
            ]
        }
        return try ControlTotals(rowCount: 100_000, amounts: ["EntryValue": "0.00"], groups: groups)
    }

    /// Builds the manifest (computing its hash) and its file bytes: what sealing does.
    @inline(never)
    static func manifestBenchSeal(_ totals: ControlTotals) throws -> [UInt8] {
        let manifest = Manifest(
            stream: try StreamID(company: "A", table: "GenTransaction"),
            sequence: 1,
            createdAt: "2026-11-27T15:00:00.000Z",
            runID: "20261127T150000Z-4f2a9c",
            sourceQuery: "GenTransaction?$orderby=TimeStamp",
            cursor: CursorRange(from: nil, to: "0x00000000000007D1"),
            businessDates: try BusinessDateRange(min: "2024-01-01", max: "2024-12-31"),
            rowCount: 100_000,
            compressedSize: 1,
            uncompressedSize: 1,
            segmentSHA256: String(repeating: "ab", count: 32),
            blocks: [],
            controlTotals: totals,
            schemaFingerprint: String(repeating: "cd", count: 32),
            previousManifestHash: String(repeating: "0", count: 64)
        )
        return manifest.fileBytes
    }

    /// Decodes and verifies the manifest file: what load and verify do per segment.
    @inline(never)
    static func manifestBenchDecode(_ bytes: [UInt8]) throws -> Manifest {
        try Manifest.decode(bytes, file: "manifest-000000000001.json")
    }

    /// Seals and decodes the benchmark manifest; the decoded manifest equals the one sealed.
    @Test(.enabled(if: enabled)) func manifestEncodeDecodeBenchmark() throws {
        let totals = try Self.benchTotals()
        let bytes = try Self.manifestBenchSeal(totals)
        let decoded = try Self.manifestBenchDecode(bytes)
        #expect(decoded.controlTotals == totals)
        #expect(bytes.count > 1_000_000)
    }
}
