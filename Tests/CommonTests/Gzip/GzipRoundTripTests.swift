import Common
import Foundation
import Testing

@Suite struct GzipRoundTripTests {
    /// Compressing then decompressing returns the input, at every level and size.
    @Test(arguments: [Int32(0), 1, 6, 9, -1], [0, 1, 100, 70_000, 300_000])
    func roundTripReturnsTheInput(level: Int32, size: Int) throws {
        let input = TestBytes.text(count: size)
        let compressed = try Gzip.compress(input, level: level)
        #expect(try Gzip.decompress(compressed) == input)
    }

    /// Ten megabytes round-trip through the streaming API fed in uneven pieces, with bounded output chunks.
    @Test(arguments: [Int32(1), 9])
    func tenMegabytesRoundTripInPieces(level: Int32) throws {
        let input = TestBytes.text(count: 10 * 1024 * 1024)
        let compressor = try GzipCompressor(level: level)
        var compressed: [UInt8] = []
        var offset = 0
        var pieceSize = 1
        while offset < input.count {
            let end = min(input.count, offset + pieceSize)
            try input[offset..<end].withUnsafeBytes { try compressor.update($0, appendingTo: &compressed) }
            offset = end
            pieceSize = pieceSize * 3 + 7
        }
        try compressor.finish(appendingTo: &compressed)
        #expect(compressed.count < input.count / 2)

        let decompressor = try GzipDecompressor()
        var output: [UInt8] = []
        var largestChunk = 0
        try decompressor.update(compressed) { chunk in
            largestChunk = max(largestChunk, chunk.count)
            output.append(contentsOf: chunk)
        }
        try decompressor.finish()
        #expect(output == input)
        #expect(largestChunk <= 64 * 1024)
        #expect(decompressor.membersCompleted == 1)
    }

    /// Incompressible data round-trips too (deflate falls back to stored blocks).
    @Test func incompressibleDataRoundTrips() throws {
        let input = TestBytes.random(count: 1_000_000)
        #expect(try Gzip.decompress(Gzip.compress(input, level: 6)) == input)
    }

    /// After finish the compressor starts a new member, and the decompressor reads both back to back.
    @Test func compressorIsReusableAfterFinish() throws {
        let compressor = try GzipCompressor()
        var output: [UInt8] = []
        try compressor.update(Array("first member\n".utf8), appendingTo: &output)
        try compressor.finish(appendingTo: &output)
        let firstLength = output.count
        try compressor.update(Array("second member\n".utf8), appendingTo: &output)
        try compressor.finish(appendingTo: &output)

        #expect(try Gzip.decompress(Array(output[..<firstLength])) == Array("first member\n".utf8))
        let decompressor = try GzipDecompressor()
        var text: [UInt8] = []
        try decompressor.update(output) { text.append(contentsOf: $0) }
        try decompressor.finish()
        #expect(text == Array("first member\nsecond member\n".utf8))
        #expect(decompressor.membersCompleted == 2)
    }

    /// An empty member is valid gzip and decompresses to nothing.
    @Test func emptyMemberIsValid() throws {
        var output: [UInt8] = []
        try GzipCompressor.compressMember(UnsafeRawBufferPointer(start: nil, count: 0), level: 1, appendingTo: &output)
        #expect(output.count == 20)
        #expect(try Gzip.decompress(output) == [])
    }

    /// Levels outside -1...9 are refused when the compressor is created.
    @Test(arguments: [Int32(-2), 10, 100])
    func outOfRangeLevelIsRefused(level: Int32) {
        #expect(throws: SysproBQError.self) { try GzipCompressor(level: level) }
    }

    /// CRC-32 matches the standard check value and composes over pieces.
    @Test func crc32KnownAnswer() {
        let check = Array("123456789".utf8)
        #expect(CRC32.checksum(check) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum([], initial: 0x1234_5678) == 0x1234_5678)
        let first = CRC32.checksum(Array(check[..<4]))
        #expect(CRC32.checksum(Array(check[4...]), initial: first) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }
}
