/// A decrypted secret, held in memory only. It never prints: `description`, `debugDescription` and reflection
/// (`dump`, `Mirror`, string interpolation) all show `<redacted>`.
///
/// Read it with ``withBytes(_:)`` or ``stringValue`` at the point of use (building a request), and do not keep the
/// result. The bytes are overwritten with zeros when the last copy of the secret is released (best effort: Swift
/// may have copied them before).
///
/// This type is a value type and is `Sendable` (its storage is immutable after creation).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: Storage

    /// A secret holding `bytes`.
    public init(bytes: [UInt8]) { storage = Storage(bytes: bytes) }

    /// A secret holding the UTF-8 bytes of `text`.
    public init(_ text: String) { storage = Storage(bytes: Array(text.utf8)) }

    /// Calls `body` with the secret's bytes. The buffer is valid only during the call.
    public func withBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try storage.withBytes(body)
    }

    /// The secret as a UTF-8 string (invalid bytes are replaced by U+FFFD).
    public var stringValue: String { storage.withBytes { String(decoding: $0, as: UTF8.self) } }

    /// The number of bytes.
    public var count: Int { storage.count }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public static func == (left: Secret, right: Secret) -> Bool {
        left.withBytes { a in right.withBytes { b in a.elementsEqual(b) } }
    }

    public func hash(into hasher: inout Hasher) { withBytes { hasher.combine(bytes: $0) } }

    /// Owns the bytes; zeroes them on release.
    private final class Storage: @unchecked Sendable {
        private let pointer: UnsafeMutableRawBufferPointer

        init(bytes: [UInt8]) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, let target = buffer.baseAddress {
                    target.copyMemory(from: base, byteCount: source.count)
                }
            }
            pointer = buffer
            count = bytes.count
        }

        let count: Int

        func withBytes<Result, Failure: Error>(
            _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
        ) throws(Failure) -> Result {
            try body(UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
        }

        deinit {
            for index in pointer.indices { pointer[index] = 0 }
            pointer.deallocate()
        }
    }
}
