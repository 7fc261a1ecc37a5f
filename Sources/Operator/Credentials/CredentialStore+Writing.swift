public import Common
public import Foundation

extension CredentialStore {
    /// Stores `secret` under `name` (replacing any previous value) and writes the store file atomically, 0600.
    ///
    /// The store file is re-read under the `credentials.lock`, so a concurrent `creds set` is not lost.
    ///
    /// - Throws: `.locked` when another `creds` command is writing, `.fileSystem` when the file cannot be written,
    ///   `.credentials` when existing boxes are sealed under a different key (mixing keys would make them
    ///   unreadable).
    public mutating func set(_ name: CredentialName, to secret: Secret, now: Date = Date()) throws(SysproBQError) {
        let lock = try Self.lockStore(path)
        defer { try? lock.release() }
        var latest = try Self.readFile(path)
        try checkKey(of: latest)
        let box = try secret.withBytes { bytes throws(SysproBQError) in
            try key.seal(Array(bytes), associatedData: name.associatedData)
        }
        let stamp = Timestamp.rfc3339(now)
        let created = latest.credentials[name.rawValue]?.created ?? stamp
        latest.credentials[name.rawValue] = CredentialStoreFile.Entry(
            created: created,
            updated: stamp,
            box: Data(box).base64EncodedString()
        )
        if latest.keyCheck == nil { latest.keyCheck = try sealKeyCheck(with: key) }
        try Self.writeFile(latest, to: path)
        file = latest
    }

    /// Fails when the store's key check was sealed under another key.
    func checkKey(of storeFile: CredentialStoreFile) throws(SysproBQError) {
        guard let check = storeFile.keyCheck else { return }
        guard let box = Data(base64Encoded: check),
            key.open(Array(box), associatedData: CredentialStoreFile.keyCheckAssociatedData)
                == CredentialStoreFile.keyCheckPlaintext
        else {
            throw SysproBQError(
                .credentials,
                "cannot write to credential store \(path): it is sealed under a different master key than "
                    + "\(key.source)",
                remedy: "use the master key the store was written with; if it is lost, move the store away and "
                    + "store every credential again",
                disposition: .needsHuman
            )
        }
    }

    func sealKeyCheck(with key: MasterKey) throws(SysproBQError) -> String {
        Data(
            try key.seal(
                CredentialStoreFile.keyCheckPlaintext,
                associatedData: CredentialStoreFile.keyCheckAssociatedData
            )
        )
        .base64EncodedString()
    }

    static func writeFile(_ storeFile: CredentialStoreFile, to path: String) throws(SysproBQError) {
        do {
            try FileSystem.writeAtomically(try storeFile.encoded(), to: path, permissions: 0o600)
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
    }

    /// Takes `credentials.lock` in the store's directory.
    static func lockStore(_ path: String) throws(SysproBQError) -> DirectoryLock {
        let directory = FileSystem.parentDirectory(of: path)
        let lock: DirectoryLock?
        do {
            lock = try DirectoryLock.acquire(directory: directory, name: "credentials")
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
        guard let lock else {
            throw SysproBQError(
                .locked,
                "another syspro-bq creds command is changing \(path)",
                remedy: "wait for it to finish and try again",
                disposition: .retryable
            )
        }
        return lock
    }
}
