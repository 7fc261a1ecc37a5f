import Common
import Foundation
import Testing

@Suite struct GzipCorruptionTests {
    static let input = TestBytes.text(count: 200_000)
    static let compressed = try! Gzip.compress(input, level: 6)

    /// A member cut short at any offset is an error, never silently shorter data.
    @Test func truncationAtAnyOffsetIsAnError() throws {
        let compressed = Self.compressed
        var offsets = Array(stride(from: 0, to: compressed.count, by: 997))
        offsets += (max(0, compressed.count - 24)..<compressed.count)
        offsets += Array(0..<24)
        for length in offsets {
            let prefix = Array(compressed[..<length])
            do {
                let output = try Gzip.decompress(prefix)
                Issue.record("truncation to \(length) of \(compressed.count) bytes gave \(output.count) bytes")
            } catch let error as SysproBQError {
                #expect(error.code == .corruption, "length \(length)")
                #expect(error.message.contains("truncated") || error.message.contains("no complete member"))
            }
        }
    }

    /// A second member cut short after a complete first member is still an error.
    @Test func truncatedSecondMemberIsAnError() throws {
        let second = try Gzip.compress(Array("second".utf8))
        let joined = Self.compressed + second.dropLast(3)
        let error = #expect(throws: SysproBQError.self) { try Gzip.decompress(joined) }
        #expect(error?.message.contains("inside member 2") == true)
    }

    /// A flipped byte is detected, and the error names what was wrong.
    @Test(arguments: [
        (0, "bad gzip header"),
        (2, "bad gzip header"),
        (-8, "CRC-32 mismatch"),
        (-3, "uncompressed length mismatch"),
    ])
    func flippedByteIsNamed(position: Int, expected: String) throws {
        var damaged = Self.compressed
        let index = position >= 0 ? position : damaged.count + position
        damaged[index] ^= 0xFF
        let error = #expect(throws: SysproBQError.self) { try Gzip.decompress(damaged) }
        #expect(error?.code == .corruption)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error?.message))")
        #expect(error?.disposition == .needsHuman)
    }

    /// Flipping any of a sample of bytes inside the deflate data is an error (invalid block or CRC mismatch).
    @Test func flippedDeflateByteIsAnError() throws {
        let compressed = Self.compressed
        for index in stride(from: 10, to: compressed.count - 9, by: 1_531) {
            var damaged = compressed
            damaged[index] ^= 0x55
            #expect(throws: SysproBQError.self, "offset \(index)") { try Gzip.decompress(damaged) }
        }
    }

    /// Bytes after the last member that do not start a new member are corruption, not ignored.
    @Test func trailingGarbageIsAnError() throws {
        let damaged = Self.compressed + Array("garbage!!".utf8)
        let error = #expect(throws: SysproBQError.self) { try Gzip.decompress(damaged) }
        #expect(error?.message.contains("not a gzip header") == true)
    }

    /// Empty input holds no member and is an error.
    @Test func emptyInputIsAnError() throws {
        let error = #expect(throws: SysproBQError.self) { try Gzip.decompress([]) }
        #expect(error?.message.contains("no complete member") == true)
    }

    /// After an error the decompressor refuses more input instead of continuing in an unknown state.
    @Test func decompressorRefusesInputAfterAnError() throws {
        let decompressor = try GzipDecompressor()
        #expect(throws: SysproBQError.self) { try decompressor.update(Array("not gzip at all".utf8)) { _ in } }
        let error = #expect(throws: SysproBQError.self) { try decompressor.update(Self.compressed) { _ in } }
        #expect(error?.code == .internalError)
    }
}
