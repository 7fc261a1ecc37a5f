import Foundation
import Testing

@testable import Common

@Suite struct AESGCMTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static let key15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    static let plaintext15 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let ciphertext15 =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    /// The 256-bit test cases 13-16 of the GCM specification (McGrew & Viega) seal to the published
    /// ciphertext and tag, and open back to the plaintext.
    @Test(arguments: [
        (String(repeating: "0", count: 64), "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
        (
            String(repeating: "0", count: 64), "000000000000000000000000", "", "00000000000000000000000000000000",
            "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
        ),
        (key15, "cafebabefacedbaddecaf888", "", plaintext15, ciphertext15, "b094dac5d93471bdec1a502270e3cc6c"),
        (
            key15, "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            String(plaintext15.dropLast(8)), String(ciphertext15.dropLast(8)), "76fc6ece0f4e1768cddf8853bb2d551b"
        ),
    ])
    func gcmSpecificationVectors(
        key: String,
        nonce: String,
        associatedData: String,
        plaintext: String,
        ciphertext: String,
        tag: String
    ) throws {
        let box = try AESGCM.seal(
            Self.hex(plaintext),
            key: Self.hex(key),
            associatedData: Self.hex(associatedData),
            nonce: Self.hex(nonce)
        )
        #expect(box == Self.hex(nonce) + Self.hex(ciphertext) + Self.hex(tag))
        #expect(
            try AESGCM.open(box, key: Self.hex(key), associatedData: Self.hex(associatedData)) == Self.hex(plaintext)
        )
    }

    /// Sealed data opens to the original at sizes around the 1 MiB update slice, and nonces are fresh.
    @Test(arguments: [0, 1, 15, 16, 17, 1000, 1_048_576 + 3])
    func roundTripAndFreshNonce(size: Int) throws {
        let key = SecureRandom.bytes(32)
        let plaintext = TestBytes.random(count: size, seed: UInt64(size))
        let first = try AESGCM.seal(plaintext, key: key, associatedData: Array("syspro.operator".utf8))
        let second = try AESGCM.seal(plaintext, key: key, associatedData: Array("syspro.operator".utf8))
        #expect(first.count == 12 + size + 16)
        #expect(first[..<12] != second[..<12])
        #expect(try AESGCM.open(first, key: key, associatedData: Array("syspro.operator".utf8)) == plaintext)
    }

    /// Every single flipped bit of a box is detected as a tag mismatch.
    @Test func everyFlippedBitIsDetected() throws {
        let key = SecureRandom.bytes(32)
        let box = try AESGCM.seal(Array("company password".utf8), key: key)
        for bit in 0..<(box.count * 8) {
            var damaged = box
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            let error = #expect(throws: SysproBQError.self, "bit \(bit)") { try AESGCM.open(damaged, key: key) }
            #expect(error?.code == .credentials)
            #expect(error?.message == "authentication tag mismatch: wrong master key or the file was altered")
        }
    }

    /// A wrong key or wrong associated data fails verification with the credentials message.
    @Test func wrongKeyOrAssociatedDataIsRefused() throws {
        let key = SecureRandom.bytes(32)
        let box = try AESGCM.seal(Array("secret".utf8), key: key, associatedData: Array("a".utf8))
        var otherKey = key
        otherKey[31] ^= 1
        let wrongKey = #expect(throws: SysproBQError.self) {
            try AESGCM.open(box, key: otherKey, associatedData: Array("a".utf8))
        }
        #expect(wrongKey?.code == .credentials)
        #expect(wrongKey?.disposition == .needsHuman)
        let wrongData = #expect(throws: SysproBQError.self) {
            try AESGCM.open(box, key: key, associatedData: Array("b".utf8))
        }
        #expect(wrongData?.code == .credentials)
        #expect(throws: SysproBQError.self) { try AESGCM.open(box, key: key) }
    }

    /// A box cut short is refused: below nonce + tag as corruption, otherwise as a tag mismatch.
    @Test func truncatedBoxIsRefused() throws {
        let key = SecureRandom.bytes(32)
        let box = try AESGCM.seal(Array("0123456789".utf8), key: key)
        for length in 0..<box.count {
            let error = #expect(throws: SysproBQError.self) { try AESGCM.open(Array(box[..<length]), key: key) }
            #expect(error?.code == (length < 28 ? .corruption : .credentials), "length \(length)")
        }
    }

    /// Keys that are not 32 bytes are refused for sealing and opening, naming only the length.
    @Test(arguments: [0, 16, 31, 33])
    func wrongKeyLengthIsRefused(length: Int) {
        let key = [UInt8](repeating: 0x41, count: length)
        let error = #expect(throws: SysproBQError.self) { try AESGCM.seal([1, 2, 3], key: key) }
        #expect(error?.code == .credentials)
        #expect(error?.message == "the AES-256-GCM master key must be 32 bytes, got \(length)")
        #expect(throws: SysproBQError.self) { try AESGCM.open([UInt8](repeating: 0, count: 40), key: key) }
    }

    /// Python's `cryptography` package (an independent implementation's API) opens our boxes, when installed.
    @Test(.enabled(if: pythonCryptographyAvailable))
    func pythonCryptographyOpensOurBox() throws {
        try TemporaryDirectory.with { directory in
            let key = SecureRandom.bytes(32)
            let plaintext = TestBytes.random(count: 5000)
            let box = try AESGCM.seal(plaintext, key: key, associatedData: Array("aad".utf8))
            try directory.write(box, to: "box")
            try directory.write(key, to: "key")
            let script = """
                import sys
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM
                box = open(sys.argv[1], 'rb').read(); key = open(sys.argv[2], 'rb').read()
                sys.stdout.buffer.write(AESGCM(key).decrypt(box[:12], box[12:], b'aad'))
                """
            let result = try Shell.run(
                "python3 -c \(Shell.quote(script)) \(Shell.quote(directory.file("box"))) "
                    + "\(Shell.quote(directory.file("key"))) > \(Shell.quote(directory.file("plain")))"
            )
            #expect(result.status == 0, "\(result.standardError)")
            #expect(try directory.read("plain") == plaintext)
        }
    }
}

/// Whether `python3 -c "import cryptography"` works on this machine.
let pythonCryptographyAvailable: Bool = {
    (try? Shell.run("python3 -c 'import cryptography.hazmat.primitives.ciphers.aead'"))?.status == 0
}()
