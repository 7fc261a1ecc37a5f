import Common

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
            let headerBytes = Base64URL.decode(String(parts[0])),
            let claimBytes = Base64URL.decode(String(parts[1])),
            let signature = Base64URL.decode(String(parts[2])),
            let header = try? JSONParser.parse(headerBytes), case .object = header,
            let claims = try? JSONParser.parse(claimBytes), case .object = claims
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }
}
