internal import Common

/// Reads the rows of one sealed segment through its manifest (docs/staging-format.md §6).
///
/// Every block read is checked against the manifest's block CRC-32, the gzip CRC-32 and length, the
/// block's row count and each line's `_segment`/`_line` prefix; a read from row 0 to the end also checks the
/// file size and SHA-256. A mismatch throws `.corruption` naming the file, the block's byte offset and
/// both values; the reader never returns short data.
///
/// This class is not thread-safe; use one reader per task. It owns a file descriptor, closed by
/// ``close()`` (reading needs no durable close, so `close` cannot fail).
public final class SegmentReader {
    /// The manifest this reader follows.
    public let manifest: Manifest
    /// The segment file's path.
    public let path: String
    private var file: FileReader?

    init(path: String, manifest: Manifest) throws {
        self.path = path
        self.manifest = manifest
        guard Files.exists(path) else {
            throw SysproBQError(
                .corruption,
                "Segment \(path) is missing although manifest \(manifest.fileName) seals it",
                remedy: "Restore the segment from a backup or the archive, then run verify.",
                disposition: .needsHuman
            )
        }
        do {
            try BlockCheck.validateIndex(manifest, path: path)
        } catch let corruption as SegmentCorruption {
            throw corruption.error
        }
        self.file = try Files.openRead(path)
    }

    deinit { file?.close() }

    /// Closes the file. Idempotent.
    public func close() {
        file?.close()
        file = nil
    }

    /// Calls `body` for each row from `row` on, in order, until it returns `false` or the segment ends.
    ///
    /// Starts at the block containing `row` (found through the block index), so resuming in the middle of
    /// a large segment decompresses only one block's worth of earlier rows.
    ///
    /// - Parameters:
    ///   - row: the first row (`_line`) to deliver, `0...rowCount`.
    ///   - body: receives the stored line without its LF (valid only during the call) and its row number;
    ///     returns whether to continue.
    /// - Throws: `.corruption` for any integrity failure; whatever `body` throws.
    public func forEachRow(
        from row: Int64 = 0,
        _ body: (_ line: UnsafeRawBufferPointer, _ row: Int64) throws -> Bool
    ) throws {
        do {
            try rows(from: row, body)
        } catch let corruption as SegmentCorruption {
            throw corruption.error
        }
    }

    private func rows(from row: Int64, _ body: (UnsafeRawBufferPointer, Int64) throws -> Bool) throws {
        guard let file else {
            throw SysproBQError(.internalError, "Segment reader for \(path) is closed", disposition: .terminal)
        }
        guard (0...manifest.rowCount).contains(row) else {
            throw SysproBQError(
                .invalidData,
                "Row \(row) is outside segment \(manifest.segmentFileName) (0..<\(manifest.rowCount))",
                disposition: .terminal
            )
        }
        guard row < manifest.rowCount else { return }
        let wholeFile = row == 0
        if wholeFile { try BlockCheck.checkSize(file, manifest: manifest, path: path) }
        let hasher = wholeFile ? SHA256Hasher() : nil
        let startBlock = BlockCheck.blockIndex(containing: row, in: manifest.blocks)
        for index in startBlock..<manifest.blocks.count {
            let block = manifest.blocks[index]
            let compressed = try BlockCheck.readBlock(file, block: block, index: index, manifest: manifest, path: path)
            hasher?.update(compressed)
            let uncompressed = try BlockCheck.decompress(
                compressed,
                block: block,
                index: index,
                manifest: manifest,
                path: path
            )
            var keepGoing = true
            try BlockCheck.forEachLine(in: uncompressed, block: block, manifest: manifest, path: path) { line, number in
                guard number >= row else { return true }
                keepGoing = try body(line, number)
                return keepGoing
            }
            if !keepGoing { return }
        }
        if let hasher {
            let actual = hasher.finalize().hex
            guard actual == manifest.segmentSHA256 else {
                throw BlockCheck.corruption(
                    path,
                    offset: 0,
                    "the file fails its SHA-256",
                    expected: manifest.segmentSHA256,
                    actual: actual
                )
            }
        }
    }
}
