import Foundation

/// A compact JWS (`header.claims.signature`) split and decoded, before any check.
///
/// A value type; `Sendable`.
struct JWTAssertion: Sendable {
    let header: JSONValue
    let claims: JSONValue
    /// `base64url(header) + "." + base64url(claims)`, the bytes the signature covers (RFC 7515 §5.2).
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Splits and decodes `text`; `nil` when it is not three base64url parts holding two JSON objects.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Self.decodeBase64URL(parts[0]),
            let claimBytes = Self.decodeBase64URL(parts[1]),
            let signature = Self.decodeBase64URL(parts[2]),
            let header = try? JSONParser.parse(headerBytes), case .object = header,
            let claims = try? JSONParser.parse(claimBytes), case .object = claims
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    /// Decodes unpadded base64url (RFC 4648 §5).
    static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        guard text.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
