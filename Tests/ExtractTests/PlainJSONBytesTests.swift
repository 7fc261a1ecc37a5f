import Testing

@testable import Extract

/// The eight-bytes-at-a-time test must agree with the byte test exactly, or a string run would be cut short
/// (harmless) or, worse, run over a quote or a control byte.
@Suite struct PlainJSONBytesTests {
    static func reference(_ word: UInt64) -> Bool {
        (0..<8).contains { !PlainJSONBytes.isPlain(UInt8(truncatingIfNeeded: word >> UInt64($0 * 8))) }
    }

    /// Every byte value at every position of a plain word, and next to every other byte value.
    @Test func wordTestAgreesWithByteTest() {
        let plain = UInt64(0x6161_6161_6161_6161)
        for value in 0...255 {
            for position in 0..<8 {
                let shift = UInt64(position * 8)
                let word = plain & ~(0xFF << shift) | UInt64(value) << shift
                #expect(PlainJSONBytes.hasSpecialByte(word) == Self.reference(word), "byte \(value) at \(position)")
                for neighbour in [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xFF] {
                    let other = (position + 1) % 8
                    let pair = word & ~(0xFF << UInt64(other * 8)) | UInt64(neighbour) << UInt64(other * 8)
                    #expect(PlainJSONBytes.hasSpecialByte(pair) == Self.reference(pair))
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let word = UInt64.random(in: 0...UInt64.max, using: &generator)
            #expect(PlainJSONBytes.hasSpecialByte(word) == Self.reference(word))
        }
    }

    /// Runs end at the first byte that is not plain, whatever its offset from the start.
    @Test func runEndsAtFirstSpecialByte() {
        for length in 0..<40 {
            for special in [0x00, 0x1F, 0x22, 0x5C, 0x80, 0xC3] as [UInt8] {
                for at in 0...length {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    if at < length { bytes[at] = special }
                    let end = bytes.withUnsafeBufferPointer {
                        PlainJSONBytes.endOfRun($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, from: 0, to: length)
                    }
                    #expect(end == (at < length ? at : length))
                }
            }
        }
    }
}
