public import Common
import Foundation

/// A Google service-account key (the JSON file downloaded from the Cloud console), validated.
///
/// Only the fields syspro-bq needs are checked: `type` is `service_account`, `private_key` is a PEM private key,
/// `client_email` looks like an address and `token_uri` is an https URL. Error messages name the missing or bad
/// field, never a value.
///
/// This type is a value type and is `Sendable`.
public struct ServiceAccountKey: Sendable {
    public var clientEmail: String
    public var tokenURI: String
    public var projectID: String?
    public var privateKeyID: String?
    /// The PEM private key.
    public var privateKey: Secret

    /// Parses and validates a key held as a secret.
    public init(json secret: Secret) throws(SysproBQError) {
        try self.init(jsonBytes: secret.withBytes { Array($0) })
    }

    /// Parses and validates key JSON.
    ///
    /// - Throws: `.usage` naming the first problem.
    public init(jsonBytes: [UInt8]) throws(SysproBQError) {
        func invalid(_ problem: String) -> SysproBQError {
            SysproBQError(
                .usage,
                "not a Google service-account key: \(problem)",
                remedy: "download a JSON key for the service account (IAM → Service accounts → Keys → Add key → JSON)",
                disposition: .terminal
            )
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any] else {
            throw invalid("the file is not a JSON object")
        }
        guard object["type"] as? String == "service_account" else {
            throw invalid("\"type\" is not \"service_account\"")
        }
        guard let privateKey = object["private_key"] as? String,
            privateKey.contains("-----BEGIN PRIVATE KEY-----") || privateKey.contains("-----BEGIN RSA PRIVATE KEY-----")
        else {
            throw invalid("\"private_key\" is missing or is not a PEM private key")
        }
        guard let clientEmail = object["client_email"] as? String, clientEmail.contains("@") else {
            throw invalid("\"client_email\" is missing or is not an address")
        }
        guard let tokenURI = object["token_uri"] as? String, let url = URLComponents(string: tokenURI),
            url.scheme == "https" || url.scheme == "http", url.host?.isEmpty == false
        else {
            throw invalid("\"token_uri\" is missing or is not a URL")
        }
        self.clientEmail = clientEmail
        self.tokenURI = tokenURI
        self.projectID = object["project_id"] as? String
        self.privateKeyID = object["private_key_id"] as? String
        self.privateKey = Secret(privateKey)
    }
}
