import Common
import Foundation
import Testing

@testable import SegmentLog

/// Damage real bytes and check that `verify` (and readers) name the damage precisely (STYLE.md §21).
@Suite struct TamperingTests {
    /// Writes 4 segments of 120 rows in ~700-byte blocks.
    static func staging() throws -> (TestStaging, [Manifest]) {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 4, rowsPerSegment: 120, blockSize: 700)
        return (staging, manifests)
    }

    static func verify(_ staging: TestStaging) throws -> VerificationReport.StreamResult {
        try LogVerifier(log: staging.log).verify(stream: staging.stream)
    }

    /// An untouched stream verifies clean.
    @Test func untouchedStreamIsClean() throws {
        let (staging, _) = try Self.staging()
        let result = try Self.verify(staging)
        #expect(result.isClean, "\(result.findings)")
        #expect(result.manifestsChecked == 4)
        #expect(result.segmentsChecked == 4)
        #expect(result.firstBrokenLink == nil)
        #expect(try LogVerifier(log: staging.log).verifyAll().isClean)
    }

    /// One flipped byte in a block: the SHA-256 and that block's CRC are reported with the block's offset,
    /// and a reader fails instead of returning data.
    @Test func flippedSegmentByteIsReportedAtItsBlock() throws {
        let (staging, manifests) = try Self.staging()
        let block = manifests[1].blocks[2]
        try Damage.flipByte(at: Int(block.compressedOffset + block.compressedLength / 2), in: staging.path(.segment(2)))
        let result = try Self.verify(staging)
        let file = staging.path(.segment(2))
        #expect(
            result.findings.contains {
                $0.kind == .segmentSHA256 && $0.file == file && $0.expected == manifests[1].segmentSHA256
            }
        )
        let blockFindings = result.findings.filter { $0.kind == .blockCorrupt }
        #expect(blockFindings.count == 1)
        #expect(blockFindings.first?.offset == block.compressedOffset)
        #expect(blockFindings.first?.expected == Hex.crc32(block.crc32))
        #expect(result.firstBrokenLink == nil)  // the chain of manifests is intact; the data is not
        do {
            _ = try staging.readLines(manifests[1])
            Issue.record("a corrupt segment was read")
        } catch let error as SysproBQError {
            #expect(error.code == .corruption)
            #expect(error.message.contains(file))
            #expect(error.message.contains("byte offset \(block.compressedOffset)"))
        }
        // Blocks after the damaged one still read through the index (each block is checked on its own).
        let after = manifests[1].blocks[3].firstRow
        #expect(try staging.readLines(manifests[1], from: after).count == Int(manifests[1].rowCount - after))
    }

    /// Editing a manifest field (here a control total) breaks that manifest's own hash.
    @Test func editedManifestFieldBreaksItsHash() throws {
        let (staging, manifests) = try Self.staging()
        try Damage.replace(
            in: staging.path(.manifest(3)),
            #""OrigInvValue":"120.50""#,
            with: #""OrigInvValue":"920.50""#
        )
        let result = try Self.verify(staging)
        let finding = result.findings.first { $0.kind == .manifestHash }
        #expect(finding?.file == staging.path(.manifest(3)))
        #expect(finding?.expected == manifests[2].manifestHash)
        #expect(result.firstBrokenLink?.file == staging.path(.manifest(3)))
        #expect(throws: SysproBQError.self) { try staging.log.manifests(of: staging.stream) }
    }

    /// A manifest edited and re-hashed passes its own hash, but the next manifest's link catches it.
    @Test func rehashedManifestIsCaughtByTheChain() throws {
        let (staging, manifests) = try Self.staging()
        let path = staging.path(.manifest(2))
        let edited = try Manifest.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
        let forged = Manifest(
            stream: edited.stream,
            sequence: edited.sequence,
            createdAt: edited.createdAt,
            runID: "forged",
            sourceQuery: edited.sourceQuery,
            cursor: edited.cursor,
            businessDates: edited.businessDates,
            rowCount: edited.rowCount,
            compressedSize: edited.compressedSize,
            uncompressedSize: edited.uncompressedSize,
            segmentSHA256: edited.segmentSHA256,
            blocks: edited.blocks,
            controlTotals: edited.controlTotals,
            schemaFingerprint: edited.schemaFingerprint,
            previousManifestHash: edited.previousManifestHash
        )
        try Data(forged.fileBytes).write(to: URL(fileURLWithPath: path))
        let result = try Self.verify(staging)
        #expect(!result.findings.contains { $0.kind == .manifestHash })
        let link = result.findings.first { $0.kind == .chainBroken }
        #expect(link?.file == staging.path(.manifest(3)))
        #expect(link?.expected == forged.manifestHash)
        #expect(link?.actual == manifests[1].manifestHash)
        #expect(result.firstBrokenLink == link)
    }

    /// Deleting a middle segment and its manifest leaves a gap the verifier names.
    @Test func deletedMiddleSegmentIsAGap() throws {
        let (staging, _) = try Self.staging()
        try FileManager.default.removeItem(atPath: staging.path(.segment(2)))
        try FileManager.default.removeItem(atPath: staging.path(.manifest(2)))
        let result = try Self.verify(staging)
        let gap = result.findings.first { $0.kind == .sequenceGap }
        #expect(gap?.file == staging.path(.manifest(3)))
        #expect(gap?.expected == "sequence 2")
        #expect(result.firstBrokenLink == gap)
        #expect(throws: SysproBQError.self) { try staging.log.manifests(of: staging.stream) }
    }

    /// Swapping two segment files fails both SHA-256s and their line prefixes.
    @Test func swappedSegmentsAreBothReported() throws {
        let (staging, _) = try Self.staging()
        try Damage.swap(staging.path(.segment(2)), staging.path(.segment(3)))
        let result = try Self.verify(staging)
        let bad = Set(result.findings.filter { $0.kind == .segmentSHA256 }.map(\.file))
        #expect(bad == [staging.path(.segment(2)), staging.path(.segment(3))])
    }

    /// Swapping two segment+manifest pairs breaks the names and the chain.
    @Test func swappedSegmentManifestPairsBreakTheChain() throws {
        let (staging, _) = try Self.staging()
        try Damage.swap(staging.path(.segment(2)), staging.path(.segment(3)))
        try Damage.swap(staging.path(.manifest(2)), staging.path(.manifest(3)))
        let result = try Self.verify(staging)
        #expect(result.findings.contains { $0.kind == .manifestMisplaced && $0.file == staging.path(.manifest(2)) })
        #expect(result.findings.contains { $0.kind == .chainBroken })
        #expect(result.firstBrokenLink?.file == staging.path(.manifest(2)))
    }

    /// A truncated segment is reported with its real and expected sizes.
    @Test func truncatedSegmentIsReported() throws {
        let (staging, manifests) = try Self.staging()
        try Damage.truncate(staging.path(.segment(4)), by: 10)
        let result = try Self.verify(staging)
        let size = result.findings.first { $0.kind == .segmentSize }
        #expect(size?.expected == "\(manifests[3].compressedSize) bytes")
        #expect(size?.actual == "\(manifests[3].compressedSize - 10) bytes")
        #expect(size?.offset == manifests[3].compressedSize - 10)
        #expect(throws: SysproBQError.self) { try staging.readLines(manifests[3]) }
    }

    /// A truncated manifest is unreadable and breaks the chain there.
    @Test func truncatedManifestIsReported() throws {
        let (staging, _) = try Self.staging()
        try Damage.truncate(staging.path(.manifest(1)), by: 40)
        let result = try Self.verify(staging)
        #expect(result.firstBrokenLink?.kind == .manifestUnreadable)
        #expect(result.firstBrokenLink?.file == staging.path(.manifest(1)))
    }

    /// A missing manifest leaves a gap and an orphan segment.
    @Test func missingManifestIsReported() throws {
        let (staging, _) = try Self.staging()
        try FileManager.default.removeItem(atPath: staging.path(.manifest(2)))
        let result = try Self.verify(staging)
        #expect(result.findings.contains { $0.kind == .sequenceGap })
        #expect(result.findings.contains { $0.kind == .orphanSegment && $0.file == staging.path(.segment(2)) })
    }

    /// A deleted segment whose manifest remains is reported missing.
    @Test func missingSegmentIsReported() throws {
        let (staging, _) = try Self.staging()
        try FileManager.default.removeItem(atPath: staging.path(.segment(3)))
        let result = try Self.verify(staging)
        #expect(result.findings.contains { $0.kind == .segmentMissing && $0.file == staging.path(.segment(3)) })
    }

    /// A whitespace-only edit keeps the hash of the value but is flagged as non-canonical.
    @Test func nonCanonicalManifestIsReported() throws {
        let (staging, _) = try Self.staging()
        try Damage.replace(
            in: staging.path(.manifest(1)),
            #""rowCount":120,"runId""#,
            with: #""rowCount": 120,"runId""#
        )
        let result = try Self.verify(staging)
        #expect(result.findings.contains { $0.kind == .manifestNotCanonical && $0.file == staging.path(.manifest(1)) })
    }

    /// An edited schema file no longer matches its fingerprint.
    @Test func editedSchemaIsReported() throws {
        let (staging, _) = try Self.staging()
        try Damage.replace(
            in: staging.path(.schema(fingerprint: TestStaging.schema.fingerprint)),
            "decimal(14,2)",
            with: "decimal(18,6)"
        )
        let result = try Self.verify(staging)
        #expect(result.findings.contains { $0.kind == .schema })
    }

    /// Stray files are reported; segment-range verification still checks the whole chain.
    @Test func strayFilesAndRangesAreHandled() throws {
        let (staging, _) = try Self.staging()
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(staging.log.streamDirectory(staging.stream))/notes.txt"))
        try Damage.flipByte(at: 5, in: staging.path(.segment(1)))
        let result = try LogVerifier(log: staging.log).verify(stream: staging.stream, sequences: 3...4)
        #expect(result.findings.contains { $0.kind == .unexpectedFile })
        #expect(result.segmentsChecked == 2)
        #expect(!result.findings.contains { $0.kind == .segmentSHA256 })
    }
}
