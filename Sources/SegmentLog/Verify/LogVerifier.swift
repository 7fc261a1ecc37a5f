internal import Common

/// Re-checks streams of a staging log without trusting anything (docs/staging-format.md §10).
///
/// Recomputes every selected segment's size, SHA-256, block CRCs, gzip checks and line prefixes; checks
/// every manifest's canonical form and own hash, the chain (previous-hash links, sequences 1...n without
/// gaps, names matching sequences), schema fingerprints, stray files and the load journal's CRCs. The
/// manifest chain is always checked whole (manifests are small); segment bytes only for the selection.
///
/// This type is `Sendable`; each call reads the disk afresh.
public struct LogVerifier: Sendable {
    let log: StagingLog
    /// An archive root (as given to ``StagingLog/archive(olderThan:to:)``) to look in for archived segments.
    public let archiveDirectory: String?

    public init(log: StagingLog, archiveDirectory: String? = nil) {
        self.log = log
        self.archiveDirectory = archiveDirectory
    }

    /// Verifies every stream in the staging directory.
    public func verifyAll() throws -> VerificationReport {
        var report = VerificationReport()
        for stream in try log.streams() { report.streams.append(try verify(stream: stream)) }
        return report
    }

    /// Verifies one stream; segment bytes only for segments within `sequences` and overlapping
    /// `businessDates` (inclusive), all when both are `nil`.
    public func verify(
        stream: StreamID,
        sequences: ClosedRange<UInt64>? = nil,
        businessDates: (from: String, to: String)? = nil
    ) throws -> VerificationReport.StreamResult {
        var run = StreamRun(verifier: self, stream: stream)
        try run.verify(sequences: sequences, businessDates: businessDates)
        return run.result
    }
}

/// The state of verifying one stream.
private struct StreamRun {
    let verifier: LogVerifier
    let stream: StreamID
    var result: VerificationReport.StreamResult
    var log: StagingLog { verifier.log }

    init(verifier: LogVerifier, stream: StreamID) {
        self.verifier = verifier
        self.stream = stream
        self.result = VerificationReport.StreamResult(stream: stream)
    }

    mutating func add(
        _ kind: VerificationReport.Finding.Kind,
        _ file: String,
        offset: Int64? = nil,
        expected: String? = nil,
        actual: String? = nil,
        _ message: String,
        breaksChain: Bool = false
    ) {
        let finding = VerificationReport.Finding(
            stream: stream,
            kind: kind,
            file: file,
            offset: offset,
            expected: expected,
            actual: actual,
            message: message
        )
        result.findings.append(finding)
        if breaksChain, result.firstBrokenLink == nil { result.firstBrokenLink = finding }
    }

    mutating func verify(sequences: ClosedRange<UInt64>?, businessDates: (from: String, to: String)?) throws {
        let directory = log.streamDirectory(stream)
        var manifestSequences: [UInt64] = []
        var segmentSequences = Set<UInt64>()
        for name in try Files.list(directory).sorted() {
            let path = "\(directory)/\(name)"
            switch SegmentFileName(parsing: name) {
            case .manifest(let seq): manifestSequences.append(seq)
            case .segment(let seq): segmentSequences.insert(seq)
            case .segmentTemp, .manifestTemp:
                add(.unsealedLeftover, path, "unsealed leftover; recovery will quarantine it")
            case .schema, .journal: break
            case .quarantinedRows, nil:
                if Format.lockFileNames.contains(name) { continue }
                if Format.isWriterStateFile(name) { continue }
                if Format.isSchemaTemporary(name) {
                    add(.unsealedLeftover, path, "unfinished schema write; recovery will quarantine it")
                    continue
                }
                if name == Format.quarantineDirectory, Files.isDirectory(path) { continue }
                add(.unexpectedFile, path, "file name is not part of the staging format")
            }
        }
        manifestSequences.sort()
        let journalState = verifyJournal()
        var previousHash: String? = Format.genesisHash
        var expectedSequence: UInt64 = 1
        var checkedSchemas: [String: Bool] = [:]
        for sequence in manifestSequences {
            let file = log.path(stream, .manifest(sequence))
            if sequence != expectedSequence {
                add(
                    .sequenceGap,
                    file,
                    expected: "sequence \(expectedSequence)",
                    actual: "sequence \(sequence)",
                    "sequences \(expectedSequence)...\(sequence - 1) have no manifest",
                    breaksChain: true
                )
                previousHash = nil  // the link across the gap cannot be checked
            }
            expectedSequence = sequence + 1
            result.manifestsChecked += 1
            // The manifest's full check (canonical form, own hash) runs on a second thread while this one
            // checks its segment with the same manifest read the cheap way (hash over its bytes, without the
            // GL group totals, which only the full check needs); the segment's findings are kept only when the
            // full check accepts the manifest, so the report is the same as checking one after the other.
            let fullCheck = BackgroundWork("verify-manifest") { [self] in
                var side = StreamRun(verifier: verifier, stream: stream)
                // Its group totals are dropped here, on the thread that built them: nothing after this check
                // uses them, and memory freed by the thread that allocated it is reused instead of piling up.
                let manifest = side.readManifest(file, sequence: sequence)?.droppingGroupTotals()
                return (manifest, side.result)
            }
            var early: (manifest: Manifest, result: VerificationReport.StreamResult)?
            if let bytes = try? Files.readAll(file),
                let light = try? Manifest.decodeWithoutGroupTotals(bytes, file: file),
                light.stream == stream, light.sequence == sequence,
                Self.isSelected(light, sequences: sequences, businessDates: businessDates)
            {
                var side = StreamRun(verifier: verifier, stream: stream)
                side.verifySegment(light, journal: journalState)
                early = (light, side.result)
            }
            let (checked, manifestResult) = try fullCheck.wait()
            merge(manifestResult)
            guard let manifest = checked else {
                previousHash = nil
                continue
            }
            if let previousHash, manifest.previousManifestHash != previousHash {
                add(
                    .chainBroken,
                    file,
                    expected: previousHash,
                    actual: manifest.previousManifestHash,
                    "previousManifestHash does not match the previous manifest's hash",
                    breaksChain: true
                )
            }
            previousHash = manifest.manifestHash
            if checkedSchemas[manifest.schemaFingerprint] == nil {
                checkedSchemas[manifest.schemaFingerprint] = checkSchema(manifest.schemaFingerprint)
            }
            if Self.isSelected(manifest, sequences: sequences, businessDates: businessDates) {
                if let early, early.manifest == manifest {
                    merge(early.result)
                } else {
                    verifySegment(manifest, journal: journalState)
                }
            }
            // Three threads allocated and freed this segment's buffers and this manifest's value tree; give the
            // freed pages back so that peak memory does not grow with the number of segments (FreedMemory).
            FreedMemory.release()
        }
        let lastSealed = manifestSequences.last ?? 0
        for sequence in segmentSequences.sorted() where !manifestSequences.contains(sequence) {
            let file = log.path(stream, .segment(sequence))
            if sequence == lastSealed + 1 {
                add(
                    .unsealedLeftover,
                    file,
                    "segment without manifest after the last sealed one; recovery will quarantine it"
                )
            } else {
                add(.orphanSegment, file, "segment has no manifest (its manifest was removed)", breaksChain: true)
            }
        }
    }

    /// Whether `manifest`'s segment bytes are to be checked.
    static func isSelected(
        _ manifest: Manifest,
        sequences: ClosedRange<UInt64>?,
        businessDates: (from: String, to: String)?
    ) -> Bool {
        (sequences?.contains(manifest.sequence) ?? true)
            && (businessDates.map { dates in
                manifest.businessDates?.overlaps(from: dates.from, to: dates.to) ?? false
            } ?? true)
    }

    /// Adds what a side run of the same stream found, in its order, as if this run had found it.
    mutating func merge(_ side: VerificationReport.StreamResult) {
        result.segmentsChecked += side.segmentsChecked
        result.bytesChecked += side.bytesChecked
        result.manifestsChecked += side.manifestsChecked
        if result.firstBrokenLink == nil { result.firstBrokenLink = side.firstBrokenLink }
        result.findings += side.findings
    }

    /// Reads and checks one manifest; records findings and returns it when it could be decoded.
    mutating func readManifest(_ file: String, sequence: UInt64) -> Manifest? {
        let bytes: [UInt8]
        do {
            bytes = try Files.readAll(file)
        } catch {
            add(.manifestUnreadable, file, "cannot be read: \(error)", breaksChain: true)
            return nil
        }
        guard bytes.last == Format.lineFeed, let value = try? CanonicalJSON.parse(bytes.dropLast()) else {
            add(.manifestUnreadable, file, "is not a JSON object followed by a newline (truncated?)", breaksChain: true)
            return nil
        }
        let manifest: Manifest
        do {
            manifest = try ManifestDecodingError.decodeFields(value, file: file)
        } catch {
            add(.manifestUnreadable, file, "\(error)", breaksChain: true)
            return nil
        }
        let (fileBytes, computed) = manifest.encodedForVerification()
        if fileBytes != bytes {
            let offset =
                zip(fileBytes, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(fileBytes.count, bytes.count)
            add(.manifestNotCanonical, file, offset: Int64(offset), "bytes are not the canonical encoding (edited?)")
        }
        if computed != manifest.manifestHash {
            add(
                .manifestHash,
                file,
                expected: manifest.manifestHash,
                actual: computed,
                "the manifest's content does not match its manifestHash (a field was edited)",
                breaksChain: true
            )
        }
        if manifest.stream != stream || manifest.sequence != sequence {
            add(
                .manifestMisplaced,
                file,
                expected: "\(stream) sequence \(sequence)",
                actual: "\(manifest.stream) sequence \(manifest.sequence)",
                "manifest describes another stream or sequence (moved or swapped)",
                breaksChain: true
            )
        }
        return manifest
    }

    /// Checks the schema file for `fingerprint`; returns whether it is sound.
    mutating func checkSchema(_ fingerprint: String) -> Bool {
        guard SegmentFileName.isFingerprint(fingerprint) else {
            add(.schema, log.streamDirectory(stream), "a manifest names an invalid schema fingerprint \(fingerprint)")
            return false
        }
        do {
            _ = try log.schema(fingerprint: fingerprint, stream: stream)
            return true
        } catch {
            add(.schema, log.path(stream, .schema(fingerprint: fingerprint)), "\(error)")
            return false
        }
    }

    /// Reads the journal; records findings; returns its state when readable.
    mutating func verifyJournal() -> JournalState? {
        let journal = LoadJournal(log: log, stream: stream)
        do {
            let contents = try journal.contents()
            if let torn = contents.tornTail {
                add(
                    .journalTornTail,
                    torn.file,
                    offset: torn.offset,
                    "torn last line (\(torn.length) bytes) from an interrupted append; ignored"
                )
            }
            return JournalState(entries: contents.entries)
        } catch let error as SysproBQError {
            add(.journalCorrupt, log.streamDirectory(stream), error.message)
            return nil
        } catch {
            add(.journalCorrupt, log.streamDirectory(stream), "\(error)")
            return nil
        }
    }

    /// Where a segment is: the stream directory, the given archive, or the archive the journal names.
    func locateSegment(_ manifest: Manifest, journal: JournalState?) -> (segment: String, archivedManifest: String?)? {
        let local = log.path(stream, .segment(manifest.sequence))
        if Files.exists(local) { return (local, nil) }
        var candidates: [String] = []
        if let archive = verifier.archiveDirectory { candidates.append("\(archive)/\(stream.company)/\(stream.table)") }
        if let location = journal?.archiveLocation(manifest.sequence) { candidates.append(location) }
        for directory in candidates where Files.exists("\(directory)/\(manifest.segmentFileName)") {
            return ("\(directory)/\(manifest.segmentFileName)", "\(directory)/\(manifest.fileName)")
        }
        return nil
    }

    /// The SHA-256 of the first `size` bytes of the file at `path`, read with a handle of its own.
    static func sha256(of path: String, size: Int64) throws -> String {
        let file = try Files.openRead(path)
        defer { file.close() }
        let hasher = SHA256Hasher()
        var offset: Int64 = 0
        let chunk = 4 << 20
        while offset < size {
            let bytes = try file.read(offset: offset, count: Int(min(Int64(chunk), size - offset)))
            if bytes.isEmpty { break }
            hasher.update(bytes)
            offset += Int64(bytes.count)
        }
        return hasher.finalize().hex
    }

    /// Checks a segment's bytes against its manifest, reporting every bad block.
    mutating func verifySegment(_ manifest: Manifest, journal: JournalState?) {
        guard let location = locateSegment(manifest, journal: journal) else {
            add(
                .segmentMissing,
                log.path(stream, .segment(manifest.sequence)),
                "segment sealed by \(manifest.fileName) is missing (and not in the archive)",
                breaksChain: true
            )
            return
        }
        let path = location.segment
        if let copy = location.archivedManifest {
            let local = try? Files.readAll(log.path(stream, .manifest(manifest.sequence)))
            if (try? Files.readAll(copy)) != local {
                add(.archiveMismatch, copy, "archived manifest copy differs from the manifest in the stream directory")
            }
        }
        result.segmentsChecked += 1
        do {
            try BlockCheck.validateIndex(manifest, path: path)
        } catch let corruption as SegmentCorruption {
            add(corruption, kind: .blockIndex)
            return
        } catch {
            add(.blockIndex, path, "\(error)")
            return
        }
        do {
            let file = try Files.openRead(path)
            defer { file.close() }
            let size = try file.size()
            result.bytesChecked += size
            if size != manifest.compressedSize {
                add(
                    .segmentSize,
                    path,
                    offset: min(size, manifest.compressedSize),
                    expected: "\(manifest.compressedSize) bytes",
                    actual: "\(size) bytes",
                    size < manifest.compressedSize ? "segment is truncated" : "segment has extra bytes"
                )
            }
            // The whole file's SHA-256 on a second thread while this one checks the blocks (as `pigz -dc |
            // openssl dgst` uses two cores); findings keep their order: the hash first, then the blocks.
            let hashing = BackgroundWork("verify-sha256") {
                try Self.sha256(of: path, size: size)
            }
            var corruptions: [SegmentCorruption] = []
            for (index, block) in manifest.blocks.enumerated() {
                do {
                    let compressed = try BlockCheck.readBlock(
                        file,
                        block: block,
                        index: index,
                        manifest: manifest,
                        path: path
                    )
                    let uncompressed = try BlockCheck.decompress(
                        compressed,
                        block: block,
                        index: index,
                        manifest: manifest,
                        path: path
                    )
                    try BlockCheck.forEachLine(in: uncompressed, block: block, manifest: manifest, path: path) { _, _ in
                        true
                    }
                } catch let corruption as SegmentCorruption {
                    corruptions.append(corruption)
                    if block.compressedOffset + block.compressedLength > size { break }  // the rest is missing too
                }
            }
            let actual = try hashing.wait()
            if actual != manifest.segmentSHA256 {
                add(
                    .segmentSHA256,
                    path,
                    offset: 0,
                    expected: manifest.segmentSHA256,
                    actual: actual,
                    "segment fails its SHA-256"
                )
            }
            for corruption in corruptions { add(corruption, kind: .blockCorrupt) }
        } catch {
            add(.segmentMissing, path, "cannot be read: \(error)")
        }
    }

    mutating func add(_ corruption: SegmentCorruption, kind: VerificationReport.Finding.Kind) {
        add(
            kind,
            corruption.path,
            offset: corruption.offset,
            expected: corruption.expected,
            actual: corruption.actual,
            corruption.what
        )
    }
}
