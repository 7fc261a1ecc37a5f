import Common
import Foundation
import Testing

@testable import SegmentLog

@Suite struct RecoveryTests {
    /// Temp files and a segment whose manifest never appeared are quarantined with reasons and reported.
    @Test func unsealedLeftoversAreQuarantinedAndReported() throws {
        let staging = try TestStaging()
        try staging.write(segments: 2, rowsPerSegment: 10)
        let segmentBytes = try Data(contentsOf: URL(fileURLWithPath: staging.path(.segment(2))))
        try segmentBytes.prefix(100).write(to: URL(fileURLWithPath: staging.path(.segmentTemp(3))))
        try Data("{\"partial".utf8).write(to: URL(fileURLWithPath: staging.path(.manifestTemp(3))))
        try segmentBytes.write(to: URL(fileURLWithPath: staging.path(.segment(3))))

        let report = try staging.log.recover(staging.stream)
        #expect(
            Set(report.dropped.map(\.file)) == [
                SegmentFileName.segmentTemp(3).rendered, SegmentFileName.manifestTemp(3).rendered,
                SegmentFileName.segment(3).rendered,
            ]
        )
        #expect(report.droppedBytes == 100 + 9 + Int64(segmentBytes.count))
        #expect(report.dropped.allSatisfy { !$0.reason.isEmpty })
        for entry in report.dropped {
            #expect(FileManager.default.fileExists(atPath: entry.quarantinedAs))
            let reason = try String(contentsOfFile: entry.quarantinedAs + ".reason", encoding: .utf8)
            #expect(reason.contains(entry.file))
        }
        #expect(!FileManager.default.fileExists(atPath: staging.path(.segment(3))))
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)

        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 3)
        #expect(manifests[0].sequence == 3)
        #expect(try staging.log.recover(staging.stream).dropped.isEmpty)
    }

    /// A schema file's hidden temporary, left by a kill before its rename, is a notice for verify (not damage) and is
    /// quarantined by recovery, after which verify is clean (found by `make chaos`: verify failed with 65).
    @Test func unfinishedSchemaWriteIsQuarantinedNotDamage() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 5)
        let temporary = ".schema-\(String(repeating: "ab", count: 32)).json.tmp-4242-1f2e3d"
        let path = staging.log.streamDirectory(staging.stream) + "/" + temporary
        try Data("{\"colu".utf8).write(to: URL(fileURLWithPath: path))

        let before = try LogVerifier(log: staging.log).verify(stream: staging.stream)
        #expect(before.findings.map(\.kind) == [.unsealedLeftover])
        #expect(before.findings.allSatisfy { $0.severity == .notice })

        let report = try staging.log.recover(staging.stream)
        #expect(report.dropped.map(\.file) == [temporary])
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }

    /// Repeated leftovers of one name get distinct quarantine names; nothing is overwritten.
    @Test func repeatedLeftoversKeepDistinctNames() throws {
        let staging = try TestStaging()
        for attempt in 1...3 {
            try FileManager.default.createDirectory(
                atPath: staging.log.streamDirectory(staging.stream),
                withIntermediateDirectories: true
            )
            try Data("attempt \(attempt)".utf8).write(to: URL(fileURLWithPath: staging.path(.segmentTemp(1))))
            let report = try staging.log.recover(staging.stream)
            #expect(report.dropped.first?.quarantinedAs.hasSuffix("~\(attempt)") == true)
        }
    }

    /// Recovery refuses to run while a writer holds the stream (its temp file is not a leftover).
    @Test func recoveryWaitsForTheWriter() throws {
        let staging = try TestStaging()
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            #expect {
                try staging.log.recover(staging.stream)
            } throws: { error in
                (error as? SysproBQError)?.code == .locked
            }
        }
    }

    /// A sealed segment that fails its checksum is corruption: recovery leaves it, verify reports it.
    @Test func corruptSealedSegmentIsNotRecoveredAway() throws {
        let staging = try TestStaging()
        try staging.write(segments: 2, rowsPerSegment: 10)
        try Damage.flipByte(at: 30, in: staging.path(.segment(2)))
        #expect(try staging.log.recover(staging.stream).dropped.isEmpty)
        #expect(FileManager.default.fileExists(atPath: staging.path(.segment(2))))
        #expect(!(try LogVerifier(log: staging.log).verify(stream: staging.stream).isClean))
    }
}

/// Injected system-call failures during writing and sealing (Common's `SystemCallFaults`, per thread).
@Suite struct FaultInjectionTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        let call: String
        let errno: Int32
        let after: Int
        let label: String
        var testDescription: String { label }
    }

    static let sealFaults: [Fault] = [
        Fault(call: "write", errno: ENOSPC, after: 0, label: "last block write ENOSPC"),
        Fault(call: "fsync", errno: EIO, after: 0, label: "segment fsync EIO"),
        Fault(call: "close", errno: EIO, after: 0, label: "segment close EIO"),
        Fault(call: "open", errno: ENOSPC, after: 0, label: "manifest create ENOSPC"),
        Fault(call: "write", errno: ENOSPC, after: 1, label: "manifest write ENOSPC"),
        Fault(call: "fsync", errno: EIO, after: 1, label: "manifest fsync EIO"),
        Fault(call: "rename", errno: EIO, after: 0, label: "segment rename EIO"),
        Fault(call: "rename", errno: EIO, after: 1, label: "manifest rename EIO"),
    ]

    /// A failure anywhere before the commit point gives a clear error, leaves nothing half-sealed, and the
    /// stream takes the same sequence once the fault clears.
    @Test(arguments: sealFaults)
    func sealFailureLeavesNothingHalfSealed(fault: Fault) throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 5)
        defer { SystemCallFaults.reset() }
        try staging.log.withWriter(
            stream: staging.stream,
            schema: TestStaging.schema,
            runID: "r",
            options: WriterOptions(blockSize: 1 << 20)
        ) { writer in
            for number in 1...20 { try writer.append(line: TestStaging.row(number)) }
            let metadata = try TestStaging.metadata(rows: 20)
            SystemCallFaults.inject(call: fault.call, errno: fault.errno, after: fault.after)
            do {
                try writer.seal(metadata)
                Issue.record("seal succeeded despite \(fault.label)")
            } catch let error as SysproBQError {
                #expect(error.code == .fileSystem)
                #expect(error.message.contains("segment 2"))
                #expect(error.message.contains("discarded"))
            }
            SystemCallFaults.reset()
            let names = try FileManager.default.contentsOfDirectory(atPath: staging.log.streamDirectory(staging.stream))
            #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
            #expect(!names.contains(SegmentFileName.segment(2).rendered))
            #expect(try staging.log.manifests(of: staging.stream).count == 1)
            #expect(writer.rowsInCurrentSegment == 0)
            for number in 1...20 { try writer.append(line: TestStaging.row(number)) }
            #expect(try writer.seal(metadata)?.sequence == 2)
        }
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }

    /// A block write failing with ENOSPC during append discards the segment; the writer stays usable.
    @Test func appendFailureDiscardsTheSegment() throws {
        let staging = try TestStaging()
        defer { SystemCallFaults.reset() }
        try staging.log.withWriter(
            stream: staging.stream,
            schema: TestStaging.schema,
            runID: "r",
            options: WriterOptions(blockSize: 600)
        ) { writer in
            try writer.append(line: TestStaging.row(1))
            SystemCallFaults.inject(call: "write", errno: ENOSPC)
            #expect {
                for number in 2...10 { try writer.append(line: TestStaging.row(number)) }
            } throws: { error in
                let error = error as? SysproBQError
                return error?.code == .fileSystem && error?.message.contains("must be appended again") == true
            }
            SystemCallFaults.reset()
            #expect(!FileManager.default.fileExists(atPath: staging.path(.segmentTemp(1))))
            for number in 1...10 { try writer.append(line: TestStaging.row(number)) }
            #expect(try writer.seal(TestStaging.metadata(rows: 10))?.sequence == 1)
        }
        #expect(try staging.readLines(staging.log.manifests(of: staging.stream)[0]).count == 10)
    }

    /// When the manifest rename fails and removing the renamed segment fails too, the leftover is
    /// quarantined before the sequence is written again; nothing is overwritten.
    @Test func leftoverFromAFailedCleanupIsQuarantined() throws {
        let staging = try TestStaging()
        defer { SystemCallFaults.reset() }
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            let metadata = try TestStaging.metadata(rows: 1)
            SystemCallFaults.inject(call: "rename", errno: EIO, after: 1)
            SystemCallFaults.inject(call: "unlink", errno: EIO, times: 5)
            #expect(throws: SysproBQError.self) { try writer.seal(metadata) }
            SystemCallFaults.reset()
            #expect(FileManager.default.fileExists(atPath: staging.path(.segment(1))))
            try writer.append(line: TestStaging.row(2))
            #expect(!FileManager.default.fileExists(atPath: staging.path(.segment(1))))
            #expect(try writer.seal(metadata)?.sequence == 1)
        }
        let quarantined = try FileManager.default.contentsOfDirectory(
            atPath: staging.log.quarantineDirectory(staging.stream)
        )
        #expect(quarantined.contains("segment-000000000001.ndjson.gz~1"))
        #expect(
            try staging.readLines(staging.log.manifests(of: staging.stream)[0]) == [
                storedLine(TestStaging.row(2), segment: 1, line: 0)
            ]
        )
    }

    /// The segment's own fsync failing at seal (the first fsync of a seal, made on a helper thread that shares
    /// this thread's faults while the metadata is computed here) discards the segment, and the writer starts the
    /// same sequence afresh.
    @Test func segmentSyncFailureAtSealDiscardsTheSegment() throws {
        let staging = try TestStaging()
        defer { SystemCallFaults.reset() }
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            SystemCallFaults.inject(call: "fsync", errno: EIO)
            #expect {
                try writer.seal(TestStaging.metadata(rows: 1))
            } throws: { error in
                (error as? SysproBQError)?.message.contains("the segment was discarded") == true
            }
            SystemCallFaults.reset()
            #expect(writer.rowsInCurrentSegment == 0)
            #expect(!FileManager.default.fileExists(atPath: staging.path(.segmentTemp(1))))
            try writer.append(line: TestStaging.row(2))
            #expect(try writer.seal(TestStaging.metadata(rows: 1))?.sequence == 1)
        }
        let manifests = try staging.log.manifests(of: staging.stream)
        #expect(try staging.readLines(manifests[0]) == [storedLine(TestStaging.row(2), segment: 1, line: 0)])
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }

    /// A directory fsync failure after the commit rename is reported, but the segment is sealed and the
    /// writer moves on to the next sequence.
    @Test func directorySyncFailureAfterCommitIsReportedNotUndone() throws {
        let staging = try TestStaging()
        defer { SystemCallFaults.reset() }
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            try writer.append(line: TestStaging.row(1))
            let metadata = try TestStaging.metadata(rows: 1)
            SystemCallFaults.inject(call: "fsync", errno: EIO, after: 2)
            #expect {
                try writer.seal(metadata)
            } throws: { error in
                (error as? SysproBQError)?.message.contains("sealed but the directory fsync failed") == true
            }
            SystemCallFaults.reset()
            try writer.append(line: TestStaging.row(2))
            #expect(try writer.seal(metadata)?.sequence == 2)
        }
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }
}

@Suite struct OpenWriterRecoveryTests {
    /// Opening a writer recovers the stream first and exposes what it quarantined.
    @Test func writerReportsItsRecovery() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 2)
        try Data("torn".utf8).write(to: URL(fileURLWithPath: staging.path(.segmentTemp(2))))
        try staging.log.withWriter(stream: staging.stream, schema: TestStaging.schema, runID: "r") { writer in
            #expect(writer.recoveryReport.dropped.map(\.file) == [SegmentFileName.segmentTemp(2).rendered])
            #expect(writer.currentSequence == 2)
        }
    }
}

@Suite struct ControlTotalsAccumulatorTests {
    /// Sums are exact decimal text, per column and per group; NULL adds nothing; bad text is refused.
    @Test func sumsAreExact() throws {
        var totals = ControlTotalsAccumulator(amountColumns: ["Debit", "Credit"])
        for (debit, credit, journal) in [
            ("0.10", nil, "J1"), ("0.20", "0.30", "J1"), ("1234567890123.45", "-0.01", "J2"),
        ] {
            totals.addRow()
            try totals.add(debit, to: "Debit", group: journal)
            try totals.add(credit, to: "Credit", group: journal)
        }
        let result = try totals.totals()
        #expect(result.rowCount == 3)
        #expect(result.amounts == ["Debit": "1234567890123.75", "Credit": "0.29"])
        #expect(result.groups["J1"] == ["Debit": "0.30", "Credit": "0.30"])
        #expect(throws: SysproBQError.self) { try totals.add("1e3", to: "Debit") }
        #expect(throws: SysproBQError.self) { try totals.add("1", to: "Other") }
        totals.reset()
        #expect(try totals.totals().amounts == ["Debit": "0", "Credit": "0"])
    }
}
