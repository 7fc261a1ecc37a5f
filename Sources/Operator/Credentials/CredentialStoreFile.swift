import Foundation

/// The on-disk form of the credential store, `credentials.enc.json` (mode 0600):
///
/// ```json
/// {
///   "format" : 1,
///   "key_check" : "<base64 box>",
///   "credentials" : {
///     "syspro-password" : { "created" : "2026-11-27T15:00:00.000Z", "updated" : "…", "box" : "<base64>" }
///   }
/// }
/// ```
///
/// Each `box` is base64 of AES-256-GCM nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes), with the credential name
/// as associated data. `key_check` seals the fixed text ``keyCheckPlaintext`` with associated data
/// ``keyCheckAssociatedData``: it tells which of two keys the store is sealed under while a key rotation is being
/// completed after a crash, without decrypting any credential. Names and dates are not secret; values are.
struct CredentialStoreFile: Codable, Sendable, Hashable {
    static let currentFormat = 1
    static let keyCheckPlaintext = Array("syspro-bq master key check".utf8)
    static let keyCheckAssociatedData = Array("syspro-bq/key-check".utf8)

    struct Entry: Codable, Sendable, Hashable {
        var created: String
        var updated: String
        var box: String
    }

    var format: Int
    var keyCheck: String?
    var credentials: [String: Entry]

    enum CodingKeys: String, CodingKey {
        case format
        case keyCheck = "key_check"
        case credentials
    }

    static let empty = CredentialStoreFile(format: currentFormat, keyCheck: nil, credentials: [:])

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    static func decode(_ bytes: [UInt8]) throws -> CredentialStoreFile {
        try JSONDecoder().decode(CredentialStoreFile.self, from: Data(bytes))
    }
}
