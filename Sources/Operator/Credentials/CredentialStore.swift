public import Common
public import Foundation

/// The encrypted credential store: SYSPRO passwords and the Google service-account key, sealed with AES-256-GCM
/// under the master key (design brief, decision 8). Secrets are decrypted only in memory, on request, and each
/// one decrypted is registered with the ``SecretScrubber`` so it can never reach a log line.
///
/// The integrator's entry points are ``open(configuration:environment:scrubber:)`` and ``secret(_:)``. The
/// `creds` commands use ``set(_:to:now:)``, ``entries`` and ``rotateKey(newKeyFile:now:)``.
///
/// This type is a value type and is `Sendable`. Writers serialise through a `credentials.lock` next to the store
/// file and replace the file atomically, so concurrent `creds` commands never lose an update.
public struct CredentialStore: Sendable {
    /// A stored credential's name and dates (never its value).
    public struct Entry: Sendable, Hashable {
        public var name: CredentialName
        public var created: Date
        public var updated: Date
    }

    /// The store file.
    public let path: String
    /// The master key file (also used when the key comes from the environment, to find a pending rotation).
    public let keyFile: String
    var key: MasterKey
    var file: CredentialStoreFile
    let scrubber: SecretScrubber

    /// Where the master key came from.
    public var keySource: MasterKey.Source { key.source }

    /// Opens the store named by the configuration (`[security] credentials_file`, `key_file`).
    ///
    /// A missing store file is an empty store. If a previous `creds rotate-key` stopped between replacing the store
    /// and installing the new key file, the rotation is completed here.
    ///
    /// - Throws: `.credentials` for a missing or unprotected key file, `.configuration` for a malformed
    ///   `SYSPRO_BQ_MASTER_KEY`, `.corruption` for a store file that is not a credential store.
    public static func open(
        configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        scrubber: SecretScrubber = .shared
    ) throws(SysproBQError) -> CredentialStore {
        try open(
            path: configuration.security.credentialsFile,
            keyFile: configuration.security.keyFile,
            environment: environment,
            scrubber: scrubber
        )
    }

    /// Opens the store at `path` with the key from the environment or `keyFile`.
    public static func open(
        path: String,
        keyFile: String,
        environment: [String: String],
        scrubber: SecretScrubber = .shared
    ) throws(SysproBQError) -> CredentialStore {
        if environment[MasterKey.environmentVariable] == nil {
            try KeyRotation.completePendingRotation(storePath: path, keyFile: keyFile)
        }
        let key = try MasterKey.load(keyFile: keyFile, environment: environment)
        let file = try readFile(path)
        return CredentialStore(path: path, keyFile: keyFile, key: key, file: file, scrubber: scrubber)
    }

    static func readFile(_ path: String) throws(SysproBQError) -> CredentialStoreFile {
        guard FileSystem.exists(path) else { return .empty }
        do {
            let file = try CredentialStoreFile.decode(try FileSystem.readFile(path))
            guard file.format == CredentialStoreFile.currentFormat else {
                throw SysproBQError(
                    .credentials,
                    "credential store \(path) has format \(file.format); this syspro-bq reads format "
                        + "\(CredentialStoreFile.currentFormat)",
                    remedy: "use the syspro-bq version that wrote it, or store the credentials again",
                    disposition: .needsHuman
                )
            }
            return file
        } catch let error as SysproBQError {
            throw error
        } catch {
            throw SysproBQError(
                .corruption,
                "credential store \(path) is not a valid credential store",
                remedy: "restore it from a backup, or move it away and store the credentials again",
                cause: .other(String(describing: error)),
                disposition: .needsHuman
            )
        }
    }

    // MARK: - Reading

    /// The stored credentials' names and dates, sorted by name.
    public var entries: [Entry] {
        file.credentials.compactMap { name, entry in
            guard let name = CredentialName(rawValue: name) else { return nil }
            return Entry(
                name: name,
                created: Timestamp.parse(entry.created) ?? .distantPast,
                updated: Timestamp.parse(entry.updated) ?? .distantPast
            )
        }
        .sorted { $0.name < $1.name }
    }

    /// Whether a credential is stored under `name`.
    public func contains(_ name: CredentialName) -> Bool { file.credentials[name.rawValue] != nil }

    /// Decrypts the credential `name`.
    ///
    /// - Throws: `.credentials` when it is not stored, or "cannot decrypt credential '<name>': wrong master key or
    ///   the store was altered" when its box does not verify; `.corruption` when its box is not base64.
    public func secret(_ name: CredentialName) throws(SysproBQError) -> Secret {
        guard let entry = file.credentials[name.rawValue] else {
            throw SysproBQError(
                .credentials,
                "credential '\(name)' is not stored in \(path)",
                remedy: "store it with `\(Self.setCommand(for: name))`",
                disposition: .needsHuman
            )
        }
        guard let box = Data(base64Encoded: entry.box) else {
            throw SysproBQError(
                .corruption,
                "credential '\(name)' in \(path) is not valid base64",
                remedy: "store it again with `\(Self.setCommand(for: name))`",
                disposition: .needsHuman
            )
        }
        guard let plaintext = key.open(Array(box), associatedData: name.associatedData) else {
            throw SysproBQError(
                .credentials,
                "cannot decrypt credential '\(name)': wrong master key or the store was altered",
                remedy:
                    "check that \(key.source) is the key this store was written with (\(keyFile)); if the key is "
                    + "lost, store every credential again",
                disposition: .needsHuman
            )
        }
        let secret = Secret(bytes: plaintext)
        scrubber.register(secret)
        if name == .serviceAccount, let key = try? ServiceAccountKey(json: secret) {
            scrubber.register(key.privateKey)
        }
        return secret
    }

    /// The company password for `company`: its own if stored, else the shared one, else nil (SYSPRO companies
    /// need not have a password).
    public func companyPassword(for company: String) throws(SysproBQError) -> Secret? {
        for name in [CredentialName.companyPassword(company), .companyPassword(nil)] where contains(name) {
            return try secret(name)
        }
        return nil
    }

    /// The Google service-account key, parsed.
    public func serviceAccountKey() throws(SysproBQError) -> ServiceAccountKey {
        try ServiceAccountKey(json: try secret(.serviceAccount))
    }

    static func setCommand(for name: CredentialName) -> String {
        switch name {
        case .sysproPassword: return "syspro-bq creds set syspro-password"
        case .serviceAccount: return "syspro-bq creds import-service-account KEY.json"
        default:
            let company = name.rawValue.split(separator: "/", maxSplits: 1).dropFirst().first
            return "syspro-bq creds set company-password" + (company.map { " --company \($0)" } ?? "")
        }
    }
}

extension CredentialStore {
    /// The names and dates in the store file at `path`, read without the master key (names and dates are not
    /// secret). A missing file has no entries.
    ///
    /// - Throws: `.corruption` when the file is not a credential store.
    public static func entries(atPath path: String) throws(SysproBQError) -> [Entry] {
        let file = try readFile(path)
        let scrubber = SecretScrubber()
        let noKey = MasterKey(bytes: [], source: .environment)  // listing entries decrypts nothing
        return CredentialStore(path: path, keyFile: "", key: noKey, file: file, scrubber: scrubber).entries
    }
}
