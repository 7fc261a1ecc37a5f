public import Common
import Foundation

/// The 256-bit key that encrypts the credential store: from `$SYSPRO_BQ_MASTER_KEY` (64 hex digits), else from
/// the key file (`[security] key_file`, 64 hex digits and a newline, mode 0600).
///
/// A key file readable or writable by group or others is refused: the key is the only thing protecting the
/// stored passwords. The key is held as a ``Secret`` and never printed.
///
/// This type is a value type and is `Sendable`.
public struct MasterKey: Sendable {
    /// Where the key came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case environment
        case file(String)

        public var description: String {
            switch self {
            case .environment: return "environment variable \(MasterKey.environmentVariable)"
            case .file(let path): return "key file \(path)"
            }
        }
    }

    /// The environment variable that, when set, supplies the key instead of the file.
    public static let environmentVariable = "SYSPRO_BQ_MASTER_KEY"

    let bytes: Secret
    public let source: Source

    init(bytes: [UInt8], source: Source) {
        self.bytes = Secret(bytes: bytes)
        self.source = source
    }

    /// A fresh random key (OpenSSL's CSPRNG).
    public static func generate(source: Source) -> MasterKey {
        MasterKey(bytes: SecureRandom.bytes(AESGCM.keyByteCount), source: source)
    }

    /// Loads the key from the environment or from `keyFile`.
    ///
    /// - Throws: `.configuration` for a malformed environment value (the value is never shown); `.credentials`
    ///   for a missing, unreadable, malformed or group/other-accessible key file.
    public static func load(keyFile: String, environment: [String: String]) throws(SysproBQError) -> MasterKey {
        if let text = environment[environmentVariable] {
            guard let bytes = parseHex(text) else {
                throw SysproBQError(
                    .configuration,
                    "environment variable \(environmentVariable) is not 64 hexadecimal digits",
                    remedy: "set it to the contents of a key file made by `syspro-bq init`, or unset it",
                    disposition: .terminal
                )
            }
            return MasterKey(bytes: bytes, source: .environment)
        }
        guard FileSystem.exists(keyFile) else {
            throw SysproBQError(
                .credentials,
                "master key file \(keyFile) does not exist",
                remedy:
                    "run `syspro-bq init` to create one, set [security] key_file to the right path, or set "
                    + "\(environmentVariable)",
                disposition: .needsHuman
            )
        }
        try checkPermissions(keyFile)
        let contents: [UInt8]
        do {
            contents = try FileSystem.readFile(keyFile)
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
        guard let bytes = parseHex(String(decoding: contents, as: UTF8.self)) else {
            throw SysproBQError(
                .credentials,
                "master key file \(keyFile) does not hold 64 hexadecimal digits",
                remedy: "restore the key file from your backup; without it the stored credentials cannot be read",
                disposition: .needsHuman
            )
        }
        return MasterKey(bytes: bytes, source: .file(keyFile))
    }

    /// Refuses a key file that group or others may read or write.
    static func checkPermissions(_ path: String) throws(SysproBQError) {
        let mode: mode_t
        do {
            mode = try FileSystem.permissions(of: path)
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
        guard mode & 0o077 == 0 else {
            throw SysproBQError(
                .credentials,
                "master key file \(path) is accessible by group or others (mode \(String(mode & 0o777, radix: 8)))",
                remedy: "chmod 600 \(path)",
                disposition: .needsHuman
            )
        }
    }

    /// Writes the key as 64 hex digits and a newline, mode 0600, atomically. Refuses to replace an existing file.
    public func write(to path: String) throws(SysproBQError) {
        guard !FileSystem.exists(path) else {
            throw SysproBQError(
                .fileSystem,
                "key file \(path) already exists; it was not replaced",
                remedy: "keep the existing key (the credential store needs it), or move it away first",
                disposition: .needsHuman
            )
        }
        try writeReplacing(path)
    }

    /// Writes the key file, replacing any file at `path` (used only when completing a rotation).
    func writeReplacing(_ path: String) throws(SysproBQError) {
        let text = bytes.withBytes { raw in raw.map { String(format: "%02x", $0) }.joined() } + "\n"
        do {
            try FileSystem.writeAtomically(Array(text.utf8), to: path, permissions: 0o600)
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
    }

    /// 32 bytes from 64 hex digits; surrounding whitespace (a trailing newline) is ignored.
    static func parseHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count == AESGCM.keyByteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(AESGCM.keyByteCount)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Seals `plaintext` under this key with `associatedData`.
    func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(SysproBQError) -> [UInt8] {
        do {
            return try bytes.withBytes { key in
                try AESGCM.seal(plaintext, key: Array(key), associatedData: associatedData)
            }
        } catch {
            throw error as? SysproBQError ?? SysproBQError(.internalError, "\(error)", disposition: .terminal)
        }
    }

    /// Opens a box sealed under this key, or returns nil when it does not verify.
    func open(_ box: [UInt8], associatedData: [UInt8]) -> [UInt8]? {
        bytes.withBytes { key in try? AESGCM.open(box, key: Array(key), associatedData: associatedData) }
    }
}
