internal import Common

/// The integrity checks on one segment's blocks, shared by ``SegmentReader`` and ``LogVerifier``
/// (docs/staging-format.md §4.3, §4.4, §6).
enum BlockCheck {
    static func corruption(
        _ path: String,
        offset: Int64,
        _ what: String,
        expected: String,
        actual: String
    )
        -> SegmentCorruption
    {
        SegmentCorruption(path: path, offset: offset, what: what, expected: expected, actual: actual)
    }

    /// Checks the block index's invariants (§4.4) so that every later offset computation is safe.
    static func validateIndex(_ manifest: Manifest, path: String) throws {
        var offset: Int64 = 0
        var row: Int64 = 0
        var uncompressed: Int64 = 0
        for block in manifest.blocks {
            guard block.compressedOffset == offset, block.firstRow == row, block.compressedLength > 0,
                block.rowCount > 0
            else {
                throw corruption(
                    path,
                    offset: offset,
                    "manifest \(manifest.fileName) has an inconsistent block index",
                    expected: "block at offset \(offset), row \(row)",
                    actual: "block at offset \(block.compressedOffset), row \(block.firstRow)"
                )
            }
            offset += block.compressedLength
            row += block.rowCount
            uncompressed += block.uncompressedLength
        }
        guard offset == manifest.compressedSize, row == manifest.rowCount, uncompressed == manifest.uncompressedSize
        else {
            throw corruption(
                path,
                offset: 0,
                "manifest \(manifest.fileName) has a block index that does not add up",
                expected:
                    "\(manifest.compressedSize) bytes, \(manifest.rowCount) rows, \(manifest.uncompressedSize) uncompressed",
                actual: "\(offset) bytes, \(row) rows, \(uncompressed) uncompressed"
            )
        }
    }

    /// The index of the block whose rows contain `row` (binary search).
    static func blockIndex(containing row: Int64, in blocks: [BlockIndexEntry]) -> Int {
        var low = 0
        var high = blocks.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if blocks[middle].firstRow <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Checks that the file is exactly `compressedSize` bytes.
    static func checkSize(_ file: FileReader, manifest: Manifest, path: String) throws {
        let size = try file.size()
        guard size == manifest.compressedSize else {
            throw corruption(
                path,
                offset: min(size, manifest.compressedSize),
                size < manifest.compressedSize ? "file is truncated" : "file has extra bytes",
                expected: "\(manifest.compressedSize) bytes",
                actual: "\(size) bytes"
            )
        }
    }

    /// Reads block `index` and checks its CRC-32 over the compressed bytes.
    static func readBlock(
        _ file: FileReader,
        block: BlockIndexEntry,
        index: Int,
        manifest: Manifest,
        path: String
    ) throws -> [UInt8] {
        let bytes = try file.read(offset: block.compressedOffset, count: Int(block.compressedLength))
        guard bytes.count == Int(block.compressedLength) else {
            throw corruption(
                path,
                offset: block.compressedOffset + Int64(bytes.count),
                "block \(index) is truncated",
                expected: "\(block.compressedLength) bytes",
                actual: "\(bytes.count) bytes"
            )
        }
        let crc = CRC32.checksum(bytes)
        guard crc == block.crc32 else {
            throw corruption(
                path,
                offset: block.compressedOffset,
                "block \(index) fails its CRC-32",
                expected: Hex.crc32(block.crc32),
                actual: Hex.crc32(crc)
            )
        }
        return bytes
    }

    /// Decompresses one block (exactly one gzip member) and checks its length.
    static func decompress(
        _ compressed: [UInt8],
        block: BlockIndexEntry,
        index: Int,
        manifest: Manifest,
        path: String
    ) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(Int(block.uncompressedLength))
        let limit = Int(block.uncompressedLength)
        do {
            let decompressor = try GzipDecompressor()
            try decompressor.update(compressed) { chunk in
                guard output.count + chunk.count <= limit else { throw BlockTooLong() }
                output.append(contentsOf: chunk)
            }
            try decompressor.finish()
            guard decompressor.membersCompleted == 1 else {
                throw corruption(
                    path,
                    offset: block.compressedOffset,
                    "block \(index) is not exactly one gzip member",
                    expected: "1 member",
                    actual: "\(decompressor.membersCompleted) members"
                )
            }
        } catch is BlockTooLong {
            throw corruption(
                path,
                offset: block.compressedOffset,
                "block \(index) decompresses to too many bytes",
                expected: "\(limit) bytes",
                actual: "more"
            )
        } catch let error as SysproBQError {
            throw corruption(
                path,
                offset: block.compressedOffset,
                "block \(index) is not a valid gzip member",
                expected: "a valid gzip member",
                actual: error.message
            )
        }
        guard output.count == limit else {
            throw corruption(
                path,
                offset: block.compressedOffset,
                "block \(index) decompresses to the wrong length",
                expected: "\(limit) bytes",
                actual: "\(output.count) bytes"
            )
        }
        return output
    }

    private struct BlockTooLong: Error {}

    /// Splits a block into lines, checking the row count and each line's `_segment`/`_line` prefix.
    static func forEachLine(
        in uncompressed: [UInt8],
        block: BlockIndexEntry,
        manifest: Manifest,
        path: String,
        _ body: (UnsafeRawBufferPointer, Int64) throws -> Bool
    ) throws {
        var expectedPrefix: [UInt8] = []
        var row = block.firstRow
        try uncompressed.withUnsafeBytes { buffer in
            guard buffer.last == Format.lineFeed else {
                throw corruption(
                    path,
                    offset: block.compressedOffset,
                    "block does not end with a newline",
                    expected: "LF",
                    actual: "no LF"
                )
            }
            var start = 0
            while start < buffer.count {
                guard row < block.firstRow + block.rowCount else {
                    throw corruption(
                        path,
                        offset: block.compressedOffset,
                        "block holds more lines than its index says",
                        expected: "\(block.rowCount) rows",
                        actual: "more"
                    )
                }
                let end = ByteScan.firstIndex(of: Format.lineFeed, in: buffer, from: start)!
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                expectedPrefix.removeAll(keepingCapacity: true)
                expectedPrefix.append(contentsOf: Format.linePrefixSegment)
                DecimalText.append(manifest.sequence, to: &expectedPrefix)
                expectedPrefix.append(contentsOf: Format.linePrefixLine)
                DecimalText.append(UInt64(row), to: &expectedPrefix)
                expectedPrefix.append(UInt8(ascii: ","))
                guard ByteScan.hasPrefix(line, expectedPrefix) else {
                    throw corruption(
                        path,
                        offset: block.compressedOffset,
                        "row \(row) does not carry its own segment and line",
                        expected: String(decoding: expectedPrefix, as: UTF8.self),
                        actual: String(decoding: line.prefix(expectedPrefix.count), as: UTF8.self)
                    )
                }
                guard try body(line, row) else { return }
                row += 1
                start = end + 1
            }
            guard row == block.firstRow + block.rowCount else {
                throw corruption(
                    path,
                    offset: block.compressedOffset,
                    "block holds fewer lines than its index says",
                    expected: "\(block.rowCount) rows",
                    actual: "\(row - block.firstRow) rows"
                )
            }
        }
    }
}

/// A precise integrity failure in a segment: file, byte offset, what, expected and actual values.
struct SegmentCorruption: Error, Hashable {
    let path: String
    let offset: Int64
    let what: String
    let expected: String
    let actual: String

    /// The error a reader throws for it.
    var error: SysproBQError {
        SysproBQError(
            .corruption,
            "Segment \(path) is corrupt at byte offset \(offset): \(what) (expected \(expected), actual \(actual))",
            remedy: "The segment was altered or damaged after sealing; restore it from a backup and run verify.",
            disposition: .needsHuman
        )
    }
}
