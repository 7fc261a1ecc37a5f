import Common
import Foundation
import Testing

@Suite struct Base64URLTests {
    /// The RFC 4648 §10 vectors encode without padding and decode back.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    /// The URL-safe alphabet replaces '+' and '/' with '-' and '_'; padded input is accepted too.
    @Test func urlSafeAlphabetAndPadding() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
    }

    /// Agrees with Foundation's base64 (alphabet mapped, padding removed) for random inputs of every small length.
    @Test func agreesWithFoundation() {
        for length in 0..<200 {
            let bytes = TestBytes.random(count: length, seed: UInt64(length) &+ 99)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(foundation) == bytes)
        }
    }

    /// Non-canonical or foreign text is refused: wrong padding, standard-alphabet characters, whitespace,
    /// impossible lengths and non-zero unused bits.
    @Test(arguments: ["Z", "Zg=", "Zg===", "Zh", "Zm9=", "Zm9v+", "Zm9v/", "Zm 9v", "Zm9v\n", "=", "Z=g=", "Zm9vY"])
    func nonCanonicalTextIsRefused(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    /// Secure random bytes have the requested length and differ between calls.
    @Test func secureRandomBytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(3 * 1024 * 1024 + 1).count == 3 * 1024 * 1024 + 1)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
