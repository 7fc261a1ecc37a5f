internal import Common
internal import Logging

/// Appends rows to a stream's segments and seals them (docs/staging-format.md §3, §7).
///
/// Obtain one from ``StagingLog/openWriter(stream:schema:runID:options:)`` or, better, the scoped
/// ``StagingLog/withWriter(stream:schema:runID:options:_:)``. The writer holds the stream's writer lock
/// until ``close()``; readers never wait for it. Rows go to `segment-<seq>.ndjson.gz.tmp`; ``seal(_:)``
/// commits them by publishing the manifest. A segment that was never sealed is not visible to anyone.
///
/// Failure handling: if writing a block or sealing fails, the current segment is discarded (its temporary
/// files removed) and the error is thrown; the writer stays usable and the next ``append(line:)`` starts the
/// same sequence afresh. The caller re-appends the rows (Stage re-extracts from its unchanged watermark).
///
/// This class is not thread-safe; use it from one task at a time. It owns a file descriptor: call
/// ``close()`` (which can fail) before dropping it; `deinit` traps on a writer that was never closed.
public final class SegmentWriter {
    private let log: StagingLog
    /// The stream this writer appends to.
    public let stream: StreamID
    /// The run id recorded in every manifest this writer seals.
    public let runID: String
    /// The fingerprint of the schema recorded in every manifest.
    public let schemaFingerprint: String
    private let options: WriterOptions
    private let logger: Logger
    private var lock: DirectoryLock?
    private var compressor: GzipCompressor
    private var nextSequence: UInt64
    private var previousHash: String
    /// The open segment, touched several times per appended row. Exempt from the runtime's exclusivity checks
    /// (two per row otherwise): the writer is used by one thread at a time and no method holds an access to it
    /// across a call that could access it again.
    @exclusivity(unchecked) private var current: OpenSegment?
    private var compressed: [UInt8] = []
    /// The background compressor (``WriterOptions/compressInBackground``), or nil to compress inline.
    private var background: BlockCompressor?
    /// The block index entry of the block in the background compressor, waiting for its compressed bytes.
    private var inFlight: (firstRow: Int64, rowCount: Int64, uncompressedLength: Int64)?
    /// What recovery quarantined when this writer opened the stream.
    public let recoveryReport: RecoveryReport
    /// The stream's sealed segments when this writer opened it, in sequence order, without per-group control
    /// totals: the chain it checked and appends to. Its owner reads them here instead of reading every manifest
    /// of the stream a second time (a GenTransaction manifest is ~1.1 MB per 100,000 rows).
    public let sealedAtOpen: [Manifest]

    /// The segment being filled.
    private struct OpenSegment {
        let sequence: UInt64
        let tempPath: String
        var file: FileWriter
        var hasher: SHA256Hasher
        var blocks: [BlockIndexEntry] = []
        var compressedSize: Int64 = 0
        var uncompressedSize: Int64 = 0
        var rowCount: Int64 = 0
        var block: [UInt8] = []
        var blockFirstRow: Int64 = 0
    }

    init(
        log: StagingLog,
        stream: StreamID,
        schemaFingerprint: String,
        runID: String,
        options: WriterOptions,
        lock: DirectoryLock,
        sealedAtOpen: [Manifest],
        recoveryReport: RecoveryReport
    ) throws {
        self.recoveryReport = recoveryReport
        self.sealedAtOpen = sealedAtOpen
        self.log = log
        self.stream = stream
        self.schemaFingerprint = schemaFingerprint
        self.runID = runID
        self.options = options
        self.lock = lock
        self.nextSequence = (sealedAtOpen.last?.sequence ?? 0) + 1
        self.previousHash = sealedAtOpen.last?.manifestHash ?? Format.genesisHash
        self.compressor = try GzipCompressor(level: options.compressionLevel)
        self.background = options.compressInBackground ? try BlockCompressor(level: options.compressionLevel) : nil
        var logger = log.logger
        logger[metadataKey: "stream"] = "\(stream)"
        self.logger = logger
    }

    deinit {
        precondition(lock == nil, "SegmentWriter for \(stream) was dropped without close()")
    }

    /// Rows appended to the current (unsealed) segment.
    public var rowsInCurrentSegment: Int64 { current?.rowCount ?? 0 }

    /// The sequence number the current or next segment gets.
    public var currentSequence: UInt64 { current?.sequence ?? nextSequence }

    /// Uncompressed bytes appended to the current segment so far (stored lines, with their prefixes).
    public var uncompressedBytesInCurrentSegment: Int64 {
        guard let current else { return 0 }
        // A block in the background compressor is already counted in `uncompressedSize` (at submit).
        return current.uncompressedSize + Int64(current.block.count)
    }

    /// Appends one row to the current segment, starting a new segment if none is open.
    ///
    /// The row is one complete JSON object without a trailing newline that begins with `{"` and ends with
    /// `}`; the writer stores `{"_segment":<seq>,"_line":<n>,` + the row after its `{` + LF (§3.1).
    ///
    /// - Parameter line: the row's bytes, only read during the call.
    /// - Throws: `SysproBQError` `.invalidData` for a malformed row (nothing is stored; the segment stays
    ///   open); `.fileSystem` when a block cannot be written (the segment is discarded).
    public func append(line: UnsafeRawBufferPointer) throws {
        try checkOpen()
        try Self.validate(line)
        if current == nil { try startSegment() }
        let row = UInt64(current!.rowCount)
        let sequence = current!.sequence
        // The leading "{" is replaced by the prefix; LF added.
        let prefixLength =
            Format.linePrefixSegment.count + DecimalText.digitCount(sequence) + Format.linePrefixLine.count
            + DecimalText.digitCount(row) + 1
        let storedLength = prefixLength + line.count
        if !current!.block.isEmpty, current!.block.count + storedLength > options.blockSize {
            try guarded { try flushBlock() }
        }
        Self.appendStored(line, sequence: sequence, row: row, to: &current!.block)
        current!.rowCount += 1
        if current!.block.count >= options.blockSize {
            try guarded { try flushBlock() }
        }
    }

    /// Appends the stored form of `line` to `block`: its `{` replaced by the `_segment` and `_line` prefix, and a
    /// line feed. One access to the block per row (it lives in a class property, whose every access is checked).
    private static func appendStored(
        _ line: UnsafeRawBufferPointer,
        sequence: UInt64,
        row: UInt64,
        to block: inout [UInt8]
    ) {
        block.append(contentsOf: Format.linePrefixSegment)
        DecimalText.append(sequence, to: &block)
        block.append(contentsOf: Format.linePrefixLine)
        DecimalText.append(row, to: &block)
        block.append(UInt8(ascii: ","))
        block.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[1...]))
        block.append(Format.lineFeed)
    }

    /// Appends one row; see ``append(line:)-(UnsafeRawBufferPointer)``.
    public func append(line: [UInt8]) throws {
        try line.withUnsafeBytes { try append(line: $0) }
    }

    /// Seals the current segment: flushes its last block, fsyncs it, writes and fsyncs its manifest,
    /// renames both into place and fsyncs the directory (§7). Returns the manifest, or `nil` when the
    /// segment has no rows (nothing is written then).
    ///
    /// - Throws: `.invalidData` when `metadata.controlTotals.rowCount` differs from the rows appended (the
    ///   segment stays open and can be sealed again); `.fileSystem` for an I/O failure (the segment is
    ///   discarded, nothing half-sealed remains, the rows must be appended again).
    @discardableResult
    public func seal(_ metadata: SealMetadata) throws -> Manifest? {
        try seal(computing: { metadata })
    }

    /// Seals like ``seal(_:)``, computing the manifest's metadata while the segment's fsync runs.
    ///
    /// Once the last block is written, the segment's fsync runs on a thread of its own while `metadata` runs on
    /// this one. Stage's control totals are worth overlapping: rendering a 100k-row GL segment's groups takes
    /// ~15 ms, as long as the segment's fsync. The metadata stays on the calling thread, so its transient
    /// megabytes come from the caller's malloc arena (computed on another thread, they raised a 1M-row extract's
    /// peak RSS by ~1.5 MB); the manifest is written only after both have finished, so the file operations happen
    /// in the order ``seal(_:)`` has always made them and the commit point of §7 is unchanged.
    ///
    /// - Parameter metadata: called once; not called when the segment has no rows.
    /// - Throws: what `metadata` throws, and `.invalidData` when its row count differs from the rows appended
    ///   (either way the segment stays open and can be sealed again); `.fileSystem` for an I/O failure (the
    ///   segment is discarded, nothing half-sealed remains, the rows must be appended again).
    @discardableResult
    public func seal(computing metadata: () throws -> SealMetadata) throws -> Manifest? {
        try checkOpen()
        guard let segment = current, segment.rowCount > 0 else { return nil }
        let segmentPath = log.path(stream, .segment(segment.sequence))
        let manifestPath = log.path(stream, .manifest(segment.sequence))
        let manifestTempPath = log.path(stream, .manifestTemp(segment.sequence))
        var committed = false
        var segmentRenamed = false
        do {
            if !current!.block.isEmpty { try flushBlock() }
            try writeBlockInFlight()
            let file = current!.file
            let syncing = BackgroundWork("segment-fsync", sharingSystemCallFaults: true) { try file.sync() }
            let computed = Result { try metadata() }
            try syncing.wait()
            let sealMetadata: SealMetadata
            do {
                sealMetadata = try computed.get()
                try checkRowCount(sealMetadata, of: segment)
            } catch {
                // The segment stays open: its blocks are written (and now durable), more rows may follow.
                throw SegmentStaysOpen(error: error)
            }
            try current!.file.close()
            let digest = current!.hasher.finalize().hex
            let sealed = current!
            var manifest = Manifest(
                stream: stream,
                sequence: sealed.sequence,
                createdAt: Timestamp.rfc3339(log.clock.now()),
                runID: runID,
                sourceQuery: sealMetadata.sourceQuery,
                cursor: sealMetadata.cursor,
                businessDates: sealMetadata.businessDates,
                rowCount: sealed.rowCount,
                compressedSize: sealed.compressedSize,
                uncompressedSize: sealed.uncompressedSize,
                segmentSHA256: digest,
                blocks: sealed.blocks,
                controlTotals: sealMetadata.controlTotals,
                schemaFingerprint: schemaFingerprint,
                previousManifestHash: previousHash,
                manifestHash: ""
            )
            let manifestBytes = manifest.sealEncoding()
            let manifestFile = try Files.createNew(manifestTempPath)
            do {
                try manifestFile.write(manifestBytes)
                try manifestFile.sync()
                try manifestFile.close()
            } catch {
                manifestFile.abandon()
                throw error
            }
            for path in [segmentPath, manifestPath] where Files.exists(path) {
                throw SysproBQError(
                    .internalError,
                    "Refusing to overwrite \(path) while sealing",
                    remedy: "Run recovery on the stream; a sealed file must never be replaced.",
                    disposition: .needsHuman
                )
            }
            try Files.rename(sealed.tempPath, to: segmentPath)
            segmentRenamed = true
            try Files.rename(manifestTempPath, to: manifestPath)
            committed = true
            current = nil
            previousHash = manifest.manifestHash
            nextSequence = sealed.sequence + 1
            try Files.syncDirectory(log.streamDirectory(stream))
            logger.info(
                "Segment sealed",
                metadata: [
                    "segment.seq": "\(manifest.sequence)", "segment.rows": "\(manifest.rowCount)",
                    "segment.bytes": "\(manifest.compressedSize)",
                ]
            )
            return manifest
        } catch let open as SegmentStaysOpen {
            throw open.error
        } catch {
            if committed {
                // The manifest is published (the commit point passed) but the directory fsync failed: the
                // segment is sealed in the namespace and may or may not survive a power loss. Report it.
                throw Self.wrap(
                    error,
                    "Segment \(segment.sequence) of \(stream) was sealed but the directory fsync failed"
                )
            }
            discardCurrent(alsoRemoving: segmentRenamed ? [segmentPath, manifestTempPath] : [manifestTempPath])
            throw Self.wrap(
                error,
                "Sealing segment \(segment.sequence) of \(stream) failed; the segment was discarded "
                    + "(\(segment.rowCount) rows must be appended again)"
            )
        }
    }

    /// Throws `.invalidData` unless `metadata` counts the rows appended to `segment`.
    private func checkRowCount(_ metadata: SealMetadata, of segment: OpenSegment) throws {
        guard metadata.controlTotals.rowCount != segment.rowCount else { return }
        throw SysproBQError(
            .invalidData,
            "Control totals for \(stream) segment \(segment.sequence) count \(metadata.controlTotals.rowCount) "
                + "rows but \(segment.rowCount) were appended",
            remedy: "Count the rows Stage appended; the segment is still open and can be sealed again.",
            disposition: .terminal
        )
    }

    /// Discards an unsealed segment (removing its temporary file) and releases the writer lock.
    ///
    /// - Throws: `.fileSystem` when the lock cannot be released cleanly; the writer is closed either way.
    public func close() throws {
        guard let held = lock else { return }
        if let current {
            logger.notice(
                "Unsealed segment discarded on close",
                metadata: ["segment.seq": "\(current.sequence)", "segment.rows": "\(current.rowCount)"]
            )
            discardCurrent(alsoRemoving: [])
        }
        lock = nil
        try held.release()
    }

    // MARK: - Internals

    private func checkOpen() throws {
        guard lock != nil else {
            throw SysproBQError(.internalError, "The segment writer for \(stream) is closed", disposition: .terminal)
        }
    }

    private static func validate(_ line: UnsafeRawBufferPointer) throws {
        guard line.count >= 3, line[0] == UInt8(ascii: "{"), line[1] == UInt8(ascii: "\""),
            line[line.count - 1] == UInt8(ascii: "}")
        else {
            throw SysproBQError(
                .invalidData,
                "A staged row must be one JSON object starting with '{\"' and ending with '}' "
                    + "(got \(line.count) bytes starting \(String(reflecting: String(decoding: line.prefix(16), as: UTF8.self))))",
                disposition: .terminal
            )
        }
        if let newline = ByteScan.firstIndex(of: Format.lineFeed, in: line) {
            throw SysproBQError(
                .invalidData,
                "A staged row contains a raw newline at byte \(newline); JSON strings must escape it",
                disposition: .terminal
            )
        }
    }

    /// Starts segment `nextSequence`: quarantines leftovers of that sequence, then creates its temp file.
    private func startSegment() throws {
        let sequence = nextSequence
        guard sequence <= Format.maximumSequence else {
            throw SysproBQError(
                .internalError,
                "Stream \(stream) has reached the maximum sequence number",
                disposition: .needsHuman
            )
        }
        let report = try log.quarantineLeftovers(of: stream, sequence: sequence, reason: "left by a failed seal")
        if !report.dropped.isEmpty {
            logger.warning("Leftovers quarantined before writing", metadata: ["segment.seq": "\(sequence)"])
        }
        let tempPath = log.path(stream, .segmentTemp(sequence))
        let file = try Files.createNew(tempPath)
        current = OpenSegment(sequence: sequence, tempPath: tempPath, file: file, hasher: SHA256Hasher())
    }

    /// Compresses the pending block as one gzip member and writes it; in the background mode, writes the
    /// block in flight (waiting for it) and hands the pending one to the background compressor.
    private func flushBlock() throws {
        let firstRow = current!.blockFirstRow
        let rows = current!.rowCount - firstRow
        let length = Int64(current!.block.count)
        if let background {
            try writeBlockInFlight()
            background.submit(swapping: &current!.block)
            inFlight = (firstRow, rows, length)
        } else {
            compressed.removeAll(keepingCapacity: true)
            try current!.block.withUnsafeBytes { try compressor.update($0, appendingTo: &compressed) }
            try compressor.finish(appendingTo: &compressed)
            try writeMember(compressed, firstRow: firstRow, rowCount: rows, uncompressedLength: length)
            current!.block.removeAll(keepingCapacity: true)
        }
        current!.uncompressedSize += length
        current!.blockFirstRow = current!.rowCount
    }

    /// Waits for the block in the background compressor, if any, and writes it.
    private func writeBlockInFlight() throws {
        guard let background, let block = inFlight else { return }
        inFlight = nil
        try background.wait { member in
            try writeMember(
                member,
                firstRow: block.firstRow,
                rowCount: block.rowCount,
                uncompressedLength: block.uncompressedLength
            )
        }
    }

    /// Appends one gzip member to the segment file, the file hash and the block index.
    private func writeMember(_ member: [UInt8], firstRow: Int64, rowCount: Int64, uncompressedLength: Int64) throws {
        let crc = CRC32.checksum(member)
        try current!.file.write(member)
        current!.hasher.update(member)
        current!.blocks.append(
            BlockIndexEntry(
                compressedOffset: current!.compressedSize,
                compressedLength: Int64(member.count),
                crc32: crc,
                firstRow: firstRow,
                rowCount: rowCount,
                uncompressedLength: uncompressedLength
            )
        )
        current!.compressedSize += Int64(member.count)
    }

    /// Runs `body`; on failure discards the current segment and rethrows with context.
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            let sequence = current?.sequence ?? nextSequence
            let rows = current?.rowCount ?? 0
            discardCurrent(alsoRemoving: [])
            throw Self.wrap(
                error,
                "Writing segment \(sequence) of \(stream) failed; the segment was discarded "
                    + "(\(rows) rows must be appended again)"
            )
        }
    }

    /// Drops the open segment: closes and removes its temp file and any `extra` paths, best effort.
    /// Whatever cannot be removed is quarantined by recovery before the sequence is written again.
    private func discardCurrent(alsoRemoving extra: [String]) {
        if let segment = current {
            segment.file.abandon()
            for path in [segment.tempPath] + extra where Files.exists(path) {
                do {
                    try Files.remove(path)
                } catch {
                    logger.warning(
                        "Could not remove a discarded segment file",
                        metadata: ["file": "\(path)", "error": "\(error)"]
                    )
                }
            }
        }
        current = nil
        inFlight = nil
        background?.cancel()
        // A failure inside zlib leaves the compressor unusable; a fresh one is cheap.
        if let fresh = try? GzipCompressor(level: options.compressionLevel) { compressor = fresh }
        if background != nil, let fresh = try? BlockCompressor(level: options.compressionLevel) { background = fresh }
    }

    private static func wrap(_ error: any Error, _ context: String) -> SysproBQError {
        if let error = error as? SysproBQError { return error.adding(context: context) }
        return SysproBQError(.internalError, "\(context): \(error)", disposition: .terminal)
    }
}

/// Decimal rendering of integers straight into a byte buffer (no String allocation per row).
enum DecimalText {
    /// The number of decimal digits of `value`.
    static func digitCount(_ value: UInt64) -> Int {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        return digits
    }

    static func append(_ value: UInt64, to output: inout [UInt8]) {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let start = output.count
        for _ in 0..<digits { output.append(0x30) }
        var rest = value
        var index = start + digits - 1
        repeat {
            output[index] = 0x30 + UInt8(rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
    }
}

/// A failure of a seal's metadata, which leaves the segment open (``SegmentWriter/seal(computing:)``).
private struct SegmentStaysOpen: Error {
    let error: any Error
}
