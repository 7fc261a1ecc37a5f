public import Common
public import Foundation

/// `creds rotate-key`: a new master key, every credential re-sealed under it, as one crash-safe change.
///
/// Two files change — the store and the key file — so the order matters:
/// 1. the new key is written to `<key_file>.new` (0600, fsynced);
/// 2. the store, re-sealed under the new key with a new key check, replaces the old one atomically;
/// 3. `<key_file>.new` is renamed over `<key_file>` and the directory fsynced.
///
/// A crash before 2 leaves the old store and old key: `<key_file>.new` is simply removed at the next open. A crash
/// between 2 and 3 leaves a store sealed under the pending key: the next open sees that the key check opens with
/// `<key_file>.new` and completes step 3. So every crash point leaves a store and a key that match.
enum KeyRotation {
    static func pendingPath(_ keyFile: String) -> String { keyFile + ".new" }

    /// Finishes or discards a rotation that stopped part-way (see the type's discussion).
    static func completePendingRotation(storePath: String, keyFile: String) throws(SysproBQError) {
        let pending = pendingPath(keyFile)
        guard FileSystem.exists(pending) else { return }
        try MasterKey.checkPermissions(pending)
        let pendingKey = try MasterKey.load(keyFile: pending, environment: [:])
        let storeFile = try CredentialStore.readFile(storePath)
        let sealedUnderPending =
            storeFile.keyCheck.flatMap { Data(base64Encoded: $0) }
            .map { pendingKey.open(Array($0), associatedData: CredentialStoreFile.keyCheckAssociatedData) }
            == CredentialStoreFile.keyCheckPlaintext
        do {
            if sealedUnderPending {
                try FileSystem.rename(pending, keyFile)
                try FileSystem.syncDirectory(FileSystem.parentDirectory(of: keyFile))
            } else {
                try FileSystem.remove(pending)
            }
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
    }
}

extension CredentialStore {
    /// Replaces the master key and re-seals every credential under it (see ``KeyRotation``).
    ///
    /// - Parameter newKeyFile: where to write the new key when the current key comes from
    ///   `SYSPRO_BQ_MASTER_KEY` (the environment cannot be rewritten); must not exist. Ignored for a key file.
    /// - Returns: where the new key is.
    /// - Throws: `.usage` when the key comes from the environment and `newKeyFile` is nil; `.credentials` when a
    ///   credential does not decrypt under the current key (nothing is changed then).
    @discardableResult
    public mutating func rotateKey(newKeyFile: String?, now: Date = Date()) throws(SysproBQError) -> MasterKey.Source {
        let lock = try Self.lockStore(path)
        defer { try? lock.release() }
        let latest = try Self.readFile(path)
        try checkKey(of: latest)
        file = latest
        var plaintexts: [(name: CredentialName, entry: CredentialStoreFile.Entry, secret: Secret)] = []
        for (rawName, entry) in latest.credentials.sorted(by: { $0.key < $1.key }) {
            guard let name = CredentialName(rawValue: rawName) else { continue }
            plaintexts.append((name, entry, try secret(name)))
        }
        let newKey: MasterKey
        let pending: String?
        switch key.source {
        case .file(let keyPath):
            newKey = MasterKey.generate(source: .file(keyPath))
            pending = KeyRotation.pendingPath(keyPath)
            try newKey.writeReplacing(KeyRotation.pendingPath(keyPath))
        case .environment:
            guard let newKeyFile else {
                throw SysproBQError(
                    .usage,
                    "the master key comes from \(MasterKey.environmentVariable), which syspro-bq cannot change",
                    remedy: "pass --new-key-file PATH; the new key is written there for you to move into the variable",
                    disposition: .terminal
                )
            }
            newKey = MasterKey.generate(source: .file(newKeyFile))
            pending = nil
            try newKey.write(to: newKeyFile)
        }
        var rotated = CredentialStoreFile(
            format: CredentialStoreFile.currentFormat,
            keyCheck: try sealKeyCheck(with: newKey),
            credentials: [:]
        )
        let stamp = Timestamp.rfc3339(now)
        for item in plaintexts {
            let box = try item.secret.withBytes { bytes throws(SysproBQError) in
                try newKey.seal(Array(bytes), associatedData: item.name.associatedData)
            }
            rotated.credentials[item.name.rawValue] = CredentialStoreFile.Entry(
                created: item.entry.created,
                updated: stamp,
                box: Data(box).base64EncodedString()
            )
        }
        try Self.writeFile(rotated, to: path)
        if let pending, case .file(let keyPath) = key.source {
            do {
                try FileSystem.rename(pending, keyPath)
                try FileSystem.syncDirectory(FileSystem.parentDirectory(of: keyPath))
            } catch {
                throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
            }
        }
        file = rotated
        key = newKey
        return newKey.source
    }
}
