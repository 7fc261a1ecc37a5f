import Common
import Foundation
import Testing

@testable import SegmentLog

@Suite struct ArchiveTests {
    /// Only old, fully loaded segments move; manifests stay; the chain verifies across both places; readers
    /// still find archived segments through the journal.
    @Test func archiveMovesOnlyLoadedSegmentsAndKeepsTheChain() throws {
        let staging = try TestStaging()
        let (manifests, rows) = try staging.write(segments: 3, rowsPerSegment: 20)
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(.segmentLoaded(seq: 1, rows: 20, quarantined: 0, mode: .insertAll, jobId: nil))
        try journal.append(.segmentLoaded(seq: 3, rows: 20, quarantined: 0, mode: .loadJob, jobId: "job-3"))
        try journal.append(.replay(seq: 3, generation: 2, reason: "operator replay"))

        staging.clock.advance(by: 40 * 86_400)
        let archive = "\(staging.directory)/archive"
        let report = try staging.log.archive(olderThan: 30, to: archive)
        #expect(report.moved.map(\.sequence) == [1])
        #expect(report.notLoaded.map(\.sequence) == [2, 3])

        let target = "\(archive)/A/ApInvoice"
        #expect(FileManager.default.fileExists(atPath: "\(target)/\(manifests[0].segmentFileName)"))
        #expect(FileManager.default.fileExists(atPath: "\(target)/\(manifests[0].fileName)"))
        #expect(!FileManager.default.fileExists(atPath: staging.path(.segment(1))))
        #expect(FileManager.default.fileExists(atPath: staging.path(.manifest(1))))
        #expect(FileManager.default.fileExists(atPath: staging.path(.segment(2))))
        #expect(try journal.archiveLocation(of: 1) == target)

        #expect(
            try staging.readLines(manifests[0]) == rows[0].enumerated().map { storedLine($1, segment: 1, line: $0) }
        )
        let verified = try LogVerifier(log: staging.log, archiveDirectory: archive).verify(stream: staging.stream)
        #expect(verified.findings.isEmpty, "\(verified.findings)")
        #expect(verified.segmentsChecked == 3)
    }

    /// Damage to an archived segment is found when verifying with the archive directory.
    @Test func damagedArchivedSegmentIsReported() throws {
        let staging = try TestStaging()
        try staging.write(segments: 2, rowsPerSegment: 20)
        try LoadJournal(log: staging.log, stream: staging.stream)
            .append(.segmentLoaded(seq: 1, rows: 20, quarantined: 0, mode: .insertAll, jobId: nil))
        staging.clock.advance(by: 10 * 86_400)
        let archive = "\(staging.directory)/archive"
        _ = try staging.log.archive(olderThan: 1, to: archive)
        let archived = "\(archive)/A/ApInvoice/\(SegmentFileName.segment(1).rendered)"
        try Damage.flipByte(at: 40, in: archived)
        let verified = try LogVerifier(log: staging.log, archiveDirectory: archive).verify(stream: staging.stream)
        #expect(verified.findings.contains { $0.kind == .segmentSHA256 && $0.file == archived })
    }

    /// Segments younger than the cutoff stay even when loaded.
    @Test func youngSegmentsStay() throws {
        let staging = try TestStaging()
        try staging.write(segments: 1, rowsPerSegment: 5)
        try LoadJournal(log: staging.log, stream: staging.stream)
            .append(.segmentLoaded(seq: 1, rows: 5, quarantined: 0, mode: .insertAll, jobId: nil))
        let report = try staging.log.archive(olderThan: 30, to: "\(staging.directory)/archive")
        #expect(report.moved.isEmpty)
        #expect(FileManager.default.fileExists(atPath: staging.path(.segment(1))))
    }
}
