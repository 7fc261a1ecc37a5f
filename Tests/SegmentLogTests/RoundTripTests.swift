import Common
import Foundation
import Testing

@testable import SegmentLog

@Suite struct RoundTripTests {
    /// Rows read back are the rows appended, byte for byte, behind the writer's `_segment`/`_line` prefix.
    @Test func rowsRoundTripByteForByte() throws {
        let staging = try TestStaging()
        let (manifests, rows) = try staging.write(segments: 3, rowsPerSegment: 257, blockSize: 2048, padding: 3)
        #expect(manifests.map(\.sequence) == [1, 2, 3])
        for (manifest, segmentRows) in zip(manifests, rows) {
            let lines = try staging.readLines(manifest)
            #expect(lines.count == segmentRows.count)
            for (index, line) in lines.enumerated() {
                #expect(line == storedLine(segmentRows[index], segment: manifest.sequence, line: index))
            }
            #expect(manifest.blocks.count > 1)
            #expect(manifest.rowCount == 257)
        }
        #expect(try staging.log.manifests(of: staging.stream) == manifests)
        #expect(try staging.log.streams() == [staging.stream])
    }

    /// Compressing blocks on the background thread writes the same segment bytes and block index as inline.
    @Test(arguments: [64, 2048, 1 << 20])
    func backgroundCompressionWritesIdenticalSegments(blockSize: Int) throws {
        let inline = try TestStaging()
        let background = try TestStaging()
        let (inlineManifests, _) = try inline.write(segments: 2, rowsPerSegment: 300, blockSize: blockSize, padding: 2)
        let (backgroundManifests, _) = try background.write(
            segments: 2,
            rowsPerSegment: 300,
            blockSize: blockSize,
            padding: 2,
            compressInBackground: true
        )
        #expect(backgroundManifests == inlineManifests)
        for manifest in inlineManifests {
            let expected = try Data(contentsOf: URL(fileURLWithPath: inline.path(.segment(manifest.sequence))))
            let actual = try Data(contentsOf: URL(fileURLWithPath: background.path(.segment(manifest.sequence))))
            #expect(actual == expected)
        }
    }

    /// The uncompressed size a writer reports while a segment fills (Stage's byte limit) is the same whether
    /// blocks are compressed inline or in the background.
    @Test func backgroundCompressionReportsTheSameOpenSegmentSize() throws {
        var sizes: [[Int64]] = []
        for background in [false, true] {
            let staging = try TestStaging()
            var seen: [Int64] = []
            try staging.log.withWriter(
                stream: staging.stream,
                schema: TestStaging.schema,
                runID: "20261127T150000Z-4f2a9c",
                options: WriterOptions(blockSize: 200, compressInBackground: background)
            ) { writer in
                for number in 1...40 {
                    try writer.append(line: TestStaging.row(number))
                    seen.append(writer.uncompressedBytesInCurrentSegment)
                }
                try writer.seal(try TestStaging.metadata(rows: 40))
            }
            sizes.append(seen)
        }
        #expect(sizes[1] == sizes[0])
    }

    /// `zcat | wc -l` equals the manifest's row count and every line parses as JSON in Python.
    @Test func segmentsAreOrdinaryGzipNDJSON() throws {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 500, blockSize: 4096)
        let path = staging.path(.segment(1))
        let count = try shell("zcat '\(path)' | wc -l")
        #expect(count.status == 0)
        #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(manifests[0].rowCount)")
        let parse = try shell(
            "zcat '\(path)' | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; "
                + "assert all(r[\"_segment\"]==1 and r[\"_line\"]==i for i,r in enumerate(rows)); print(len(rows))'"
        )
        #expect(parse.status == 0, "\(parse.output)")
        #expect(parse.output.trimmingCharacters(in: .whitespacesAndNewlines) == "500")
        let sha = try shell("sha256sum '\(path)' | cut -c1-64")
        #expect(sha.output.trimmingCharacters(in: .whitespacesAndNewlines) == manifests[0].segmentSHA256)
        #expect(try shell("gzip -t '\(path)'").status == 0)
    }

    /// Reading from row N through the block index equals reading everything and dropping N rows.
    @Test func readingFromRowNMatchesDroppingNRows() throws {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 300, blockSize: 700)
        let all = try staging.readLines(manifests[0])
        var starts: [Int64] = [0, 1, 2, 299, 300]
        starts += manifests[0].blocks.flatMap { [$0.firstRow, $0.firstRow + $0.rowCount - 1] }
        var generator = SystemRandomNumberGenerator()
        starts += (0..<40).map { _ in Int64.random(in: 0...300, using: &generator) }
        for start in starts {
            #expect(
                try staging.readLines(manifests[0], from: start) == Array(all.dropFirst(Int(start))),
                "from \(start)"
            )
        }
    }

    /// A reader can stop early by returning false.
    @Test func readerStopsWhenBodyReturnsFalse() throws {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 50, blockSize: 500)
        var seen: [Int64] = []
        try staging.log.withReader(manifests[0]) { reader in
            try reader.forEachRow(from: 10) { _, row in
                seen.append(row)
                return row < 14
            }
        }
        #expect(seen == [10, 11, 12, 13, 14])
    }

    /// Rows with a raw newline, or not a `{"`…`}` object, are refused and nothing is stored.
    @Test(arguments: ["{\"a\":\"x\ny\"}", "[1,2]", "{}", " {\"a\":1}", "{\"a\":1", "", "{\"a\":1}\n"])
    func malformedRowsAreRejected(text: String) throws {
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            #expect(throws: SysproBQError.self) { try writer.append(line: Array(text.utf8)) }
            #expect(writer.rowsInCurrentSegment == 0)
            let metadata = try TestStaging.metadata(rows: 0)
            #expect(try writer.seal(metadata) == nil)
        }
        #expect(try staging.log.manifests(of: staging.stream).isEmpty)
    }

    /// A second writer on the same stream gets `.locked`; readers are not blocked.
    @Test func secondWriterIsLockedOut() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 5)
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { _ in
            do {
                _ = try staging.log.openWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r2")
                Issue.record("second writer was allowed")
            } catch let error as SysproBQError {
                #expect(error.code == .locked)
                #expect(error.message.contains("writer.lock"))
                #expect(error.message.contains("pid"))
            }
            #expect(try staging.log.manifests(of: staging.stream).count == 1)
            #expect(try staging.readLines(staging.log.manifests(of: staging.stream)[0]).count == 5)
        }
    }

    /// Control totals must count the rows appended; the segment stays open for a corrected seal.
    @Test func mismatchedControlTotalsAreRefused() throws {
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            #expect(throws: SysproBQError.self) { try writer.seal(TestStaging.metadata(rows: 2)) }
            #expect(writer.rowsInCurrentSegment == 1)
            #expect(try writer.seal(TestStaging.metadata(rows: 1))?.sequence == 1)
        }
    }

    /// A seal's metadata is computed while the segment is fsynced on a helper thread; when computing it fails, the
    /// segment stays open with its rows, takes more, and seals whole.
    @Test func failedSealMetadataLeavesTheSegmentOpen() throws {
        struct TotalsFailed: Error {}
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            var calls = 0
            #expect(throws: TotalsFailed.self) {
                try writer.seal {
                    calls += 1
                    throw TotalsFailed()
                }
            }
            #expect(calls == 1)
            #expect(writer.rowsInCurrentSegment == 1)
            try writer.append(line: TestStaging.row(2))
            let manifest = try writer.seal { try TestStaging.metadata(rows: 2) }
            #expect(manifest?.sequence == 1)
            #expect(manifest?.rowCount == 2)
        }
        let manifests = try staging.log.manifests(of: staging.stream)
        #expect(manifests.count == 1)
        #expect(
            try staging.readLines(manifests[0]) == [
                storedLine(TestStaging.row(1), segment: 1, line: 0),
                storedLine(TestStaging.row(2), segment: 1, line: 1),
            ]
        )
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }

    /// Closing a writer with an unsealed segment discards it; the next writer reuses the sequence.
    @Test func closeDiscardsTheUnsealedSegment() throws {
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
        }
        #expect(!FileManager.default.fileExists(atPath: staging.path(.segmentTemp(1))))
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 2)
        #expect(manifests[0].sequence == 1)
        #expect(manifests[0].previousManifestHash == Format.genesisHash)
    }

    /// Segments are selected by sequence range and by overlapping business-date range.
    @Test func segmentsAreSelectedBySequenceAndBusinessDate() throws {
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            for (index, dates) in [
                ("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-29"), ("2024-03-01", "2024-03-31"),
            ]
            .enumerated() {
                try writer.append(line: TestStaging.row(index))
                try writer.seal(TestStaging.metadata(rows: 1, dates: dates))
            }
            try writer.append(line: TestStaging.row(9))
            try writer.seal(TestStaging.metadata(rows: 1, dates: nil))
        }
        let log = staging.log
        #expect(try log.selectSegments(stream: staging.stream, sequences: 2...3).map(\.sequence) == [2, 3])
        #expect(
            try log.selectSegments(stream: staging.stream, businessDates: ("2024-01-15", "2024-02-01")).map(\.sequence)
                == [1, 2]
        )
        #expect(try log.selectSegments(stream: staging.stream, businessDates: ("2025-01-01", "2025-12-31")).isEmpty)
        #expect(try log.selectSegments(stream: staging.stream).count == 4)
    }

    /// Files are 0600 and directories 0700.
    @Test func permissionsArePrivate() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 3)
        let manager = FileManager.default
        func mode(_ path: String) throws -> Int {
            (try manager.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(staging.log.streamDirectory(staging.stream)) == 0o700)
        #expect(try mode("\(staging.log.root)/A") == 0o700)
        #expect(try mode(staging.path(.segment(1))) == 0o600)
        #expect(try mode(staging.path(.manifest(1))) == 0o600)
        #expect(try mode(staging.path(.schema(fingerprint: TestStaging.schema.fingerprint))) == 0o600)
    }

    /// The stored schema is found again by its fingerprint.
    @Test func schemaIsStoredByFingerprint() throws {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 1)
        #expect(manifests[0].schemaFingerprint == TestStaging.schema.fingerprint)
        #expect(
            try staging.log.schema(fingerprint: manifests[0].schemaFingerprint, stream: staging.stream)
                == TestStaging.schema
        )
    }
}

@Suite struct SchemaChangeTests {
    /// A schema change writes a second schema file and later manifests name it; old ones keep theirs.
    @Test func schemaChangeStartsANewFingerprint() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 2)
        let wider = try StreamSchema(
            columns: TestStaging.schema.columns + [
                ColumnSchema(name: "Branch", sqlType: "varchar(10)", bigQueryType: .string, nullable: true)
            ],
            keyColumns: TestStaging.schema.keyColumns,
            businessDateColumn: "InvoiceDate",
            amountColumns: ["OrigInvValue"],
            versionKind: .rowversion
        )
        try staging.log.withWriter(stream: staging.stream, schema: wider, runID: "r2") { writer in
            try writer.append(line: TestStaging.row(1))
            try writer.seal(TestStaging.metadata(rows: 1))
        }
        let manifests = try staging.log.manifests(of: staging.stream)
        #expect(manifests.map(\.schemaFingerprint) == [TestStaging.schema.fingerprint, wider.fingerprint])
        #expect(
            try staging.log.schema(fingerprint: manifests[0].schemaFingerprint, stream: staging.stream)
                == TestStaging.schema
        )
        #expect(try staging.log.schema(fingerprint: manifests[1].schemaFingerprint, stream: staging.stream) == wider)
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }
}
