import Common
import Foundation
import Testing

@Suite struct SHA256Tests {
    /// The FIPS 180-4 / NIST example vectors hash to their published digests.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownAnswerVectors(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    /// The allocation-free form (OpenSSL's low-level functions) writes the digest the streaming EVP hasher
    /// computes into the first 32 bytes of its output, and nothing after.
    @Test(arguments: ["", "abc", String(repeating: "x", count: 200)])
    func hashIntoMatchesTheStreamingHasher(message: String) {
        var output = [UInt8](repeating: 0xEE, count: 40)
        Array(message.utf8).withUnsafeBytes { input in
            output.withUnsafeMutableBytes { SHA256.hash(input, into: $0) }
        }
        let hasher = SHA256Hasher()
        hasher.update(Array(message.utf8))
        #expect(Array(output.prefix(32)) == hasher.finalize().bytes)
        #expect(output.suffix(8).allSatisfy { $0 == 0xEE })
    }

    /// One million 'a' characters, fed in uneven pieces, hash to the NIST digest.
    @Test func millionAsInPieces() {
        let hasher = SHA256Hasher()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let count = min(piece, remaining)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
            remaining -= count
            piece = piece * 2 + 1
        }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(
            SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == SHA256Digest(
                    hex: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
                )
        )
    }

    /// finalize resets the hasher, so the next message is hashed from scratch.
    @Test func finalizeResetsForTheNextMessage() {
        let hasher = SHA256Hasher()
        hasher.update(Array("first".utf8))
        _ = hasher.finalize()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == SHA256.hash(Array("abc".utf8)))
        #expect(hasher.finalize() == SHA256.hash([]))
    }

    /// The digest of a random file larger than the 1 MiB feed slice equals `sha256sum`'s.
    @Test func matchesSha256sumOnARandomFile() throws {
        try TemporaryDirectory.with { directory in
            let bytes = TestBytes.random(count: 3 * 1024 * 1024 + 17, seed: 7)
            try directory.write(bytes, to: "random.bin")
            let result = try Shell.run("sha256sum \(Shell.quote(directory.file("random.bin")))")
            #expect(result.status == 0)
            let expected = String(result.standardOutput.prefix(64))
            #expect(SHA256.hash(bytes).hex == expected)
            #expect(SHA256Digest(hex: expected) == SHA256.hash(bytes))
        }
    }

    /// Hex parsing accepts 64 hex digits of either case and refuses anything else.
    @Test func hexParsing() {
        let lower = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256Digest(hex: lower)?.hex == lower)
        #expect(SHA256Digest(hex: lower.uppercased())?.hex == lower)
        #expect(SHA256Digest(hex: String(lower.dropLast())) == nil)
        #expect(SHA256Digest(hex: lower + "0") == nil)
        #expect(SHA256Digest(hex: String(lower.dropLast()) + "g") == nil)
        #expect(SHA256Digest(hex: "") == nil)
        #expect(SHA256Digest(bytes: [1, 2, 3]) == nil)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 32))?.hex == String(repeating: "0", count: 64))
    }
}
