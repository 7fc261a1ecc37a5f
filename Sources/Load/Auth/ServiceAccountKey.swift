public import Common
import Foundation

/// A Google service-account key, parsed from the JSON key file's bytes.
///
/// The CLI decrypts the key from the credential store and hands the bytes over; they live only in memory.
/// ``description`` and ``debugDescription`` never show the private key (design brief, decision 8).
///
/// This type is a value type and is `Sendable`.
public struct ServiceAccountKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `service_account`.
    public let type: String
    public let projectID: String?
    /// The key's id, sent as the JWT `kid` header.
    public let privateKeyID: String
    /// The PKCS#8 PEM private key. Secret.
    let privateKeyPEM: String
    /// The account's email, the JWT `iss` claim.
    public let clientEmail: String
    /// Where to post the assertion.
    public let tokenURI: String

    /// Parses the key file.
    /// - Throws: a `.credentials` error naming the missing field; the key text is never quoted.
    public init(json bytes: [UInt8]) throws(SysproBQError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw Self.invalid("the service-account key is not a JSON object")
        }
        func field(_ name: String) throws(SysproBQError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw Self.invalid("the service-account key has no '\(name)' field")
            }
            return value
        }
        type = try field("type")
        guard type == "service_account" else {
            throw Self.invalid("the key file is of type '\(type)', not 'service_account'")
        }
        projectID = object["project_id"] as? String
        privateKeyID = try field("private_key_id")
        privateKeyPEM = try field("private_key")
        clientEmail = try field("client_email")
        tokenURI = try field("token_uri")
        guard privateKeyPEM.contains("-----BEGIN") else {
            throw Self.invalid("the service-account key's 'private_key' is not a PEM block")
        }
    }

    public var description: String {
        "ServiceAccountKey(client_email: \(clientEmail), project_id: \(projectID ?? "-"), private_key: REDACTED)"
    }

    public var debugDescription: String { description }

    private static func invalid(_ message: String) -> SysproBQError {
        SysproBQError(
            .credentials,
            message,
            remedy: "store the JSON key file downloaded from IAM → Service accounts → Keys again",
            disposition: .needsHuman
        )
    }
}
