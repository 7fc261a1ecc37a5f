import Foundation
import Testing

@testable import SegmentLog

/// A rough throughput figure, not a benchmark: runs only with `SEGMENTLOG_THROUGHPUT=<rows>`.
@Suite struct ThroughputTests {
    static let rows = Int(ProcessInfo.processInfo.environment["SEGMENTLOG_THROUGHPUT"] ?? "") ?? 0

    /// Writes and reads back `rows` rows in 100,000-row segments and prints rows/s and MB/s.
    @Test(.enabled(if: rows > 0)) func writeAndReadThroughput() throws {
        let staging = try TestStaging()
        let rows = (0..<1000).map { TestStaging.row($0, padding: 40) }
        var bytes = 0
        let writeStart = Date()
        var manifests: [Manifest] = []
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "t") { writer in
            var inSegment: Int64 = 0
            for index in 0..<Self.rows {
                let row = rows[index % rows.count]
                try writer.append(line: row)
                bytes += row.count
                inSegment += 1
                if inSegment == 100_000 || index == Self.rows - 1 {
                    manifests.append(try writer.seal(TestStaging.metadata(rows: inSegment))!)
                    inSegment = 0
                }
            }
        }
        let writeSeconds = Date().timeIntervalSince(writeStart)
        let readStart = Date()
        var read = 0
        for manifest in manifests {
            try staging.log.withReader(manifest) { reader in
                try reader.forEachRow { _, _ in
                    read += 1
                    return true
                }
            }
        }
        let readSeconds = Date().timeIntervalSince(readStart)
        #expect(read == Self.rows)
        let megabytes = Double(bytes) / 1_000_000
        print(
            "SegmentLog throughput: \(Self.rows) rows, \(String(format: "%.1f", megabytes)) MB; write "
                + "\(Int(Double(Self.rows) / writeSeconds)) rows/s \(String(format: "%.1f", megabytes / writeSeconds)) MB/s; "
                + "read \(Int(Double(Self.rows) / readSeconds)) rows/s \(String(format: "%.1f", megabytes / readSeconds)) MB/s"
        )
    }
}
