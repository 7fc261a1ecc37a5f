/// The name of a stored credential. The name is also the AES-GCM associated data of its box, so a box copied
/// under another name does not decrypt.
///
/// Names: `syspro-password` (the operator's password), `company-password` (the password of every company) or
/// `company-password/<company>` (one company's), and `google-service-account` (the whole key JSON).
///
/// This type is a value type and is `Sendable`.
public struct CredentialName: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// The SYSPRO operator's password.
    public static let sysproPassword = CredentialName(uncheckedRawValue: "syspro-password")
    /// The Google service-account key (JSON).
    public static let serviceAccount = CredentialName(uncheckedRawValue: "google-service-account")

    /// The company password for `company`, or the one shared by all companies when `company` is nil.
    public static func companyPassword(_ company: String?) -> CredentialName {
        CredentialName(uncheckedRawValue: company.map { "company-password/\($0)" } ?? "company-password")
    }

    private init(uncheckedRawValue: String) { rawValue = uncheckedRawValue }

    /// A name read back from the store; `nil` for a name syspro-bq never writes.
    public init?(rawValue: String) {
        let isCompany =
            rawValue.hasPrefix("company-password/") && rawValue.count > "company-password/".count
            && !rawValue.contains { $0.isWhitespace || $0.isNewline }
        guard
            rawValue == Self.sysproPassword.rawValue || rawValue == Self.serviceAccount.rawValue
                || rawValue == "company-password" || isCompany
        else { return nil }
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = CredentialName(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown credential \(text)")
            )
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (left: CredentialName, right: CredentialName) -> Bool { left.rawValue < right.rawValue }

    /// The associated data of the name's box: the UTF-8 bytes of the name.
    var associatedData: [UInt8] { Array(rawValue.utf8) }
}
