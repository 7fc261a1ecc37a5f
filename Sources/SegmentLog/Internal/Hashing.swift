internal import Common

/// SHA-256 as lower-case hex, the form every manifest and schema fingerprint uses (§4.3).
enum Hashing {
    static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(bytes).hex }
}
