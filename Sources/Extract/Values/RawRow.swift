/// One row as a source read it, before normalisation: per catalog column, the kind of value and its bytes.
///
/// Bytes live in one reusable arena (UTF-8; JSON escapes already decoded, e.net text already converted from
/// Windows-1252), so scanning a row allocates nothing once the arena has grown. Slots follow the catalog
/// entry's `columns` order, the row-version column included.
///
/// This type is not thread-safe; each reader owns its own.
struct RawRow {
    enum Kind: UInt8 {
        /// The response did not carry the column.
        case absent
        case null
        case string
        case number
        case boolTrue
        case boolFalse
    }

    private(set) var arena: [UInt8] = []
    private(set) var kinds: [Kind]
    private(set) var starts: [Int]
    private(set) var ends: [Int]

    init(columnCount: Int) {
        kinds = Array(repeating: .absent, count: columnCount)
        starts = Array(repeating: 0, count: columnCount)
        ends = Array(repeating: 0, count: columnCount)
        arena.reserveCapacity(4096)
    }

    var columnCount: Int { kinds.count }

    /// Forgets every value, keeping the storage.
    mutating func reset() {
        arena.removeAll(keepingCapacity: true)
        for index in kinds.indices { kinds[index] = .absent }
    }

    /// Marks the start of a value for `column`; append its bytes with ``append(_:)`` then call ``finish(_:kind:)``.
    @inline(__always)
    mutating func begin(_ column: Int) { starts[column] = arena.count }

    @inline(__always)
    mutating func append(_ byte: UInt8) { arena.append(byte) }

    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) { arena.append(contentsOf: bytes) }

    @inline(__always)
    mutating func finish(_ column: Int, kind: Kind) {
        ends[column] = arena.count
        kinds[column] = kind
    }

    /// Sets `column` to a value without bytes (null, true, false).
    mutating func set(_ column: Int, kind: Kind) {
        starts[column] = arena.count
        ends[column] = arena.count
        kinds[column] = kind
    }

    /// Sets `column` to `text` with `kind`.
    mutating func set(_ column: Int, text: String, kind: Kind) {
        starts[column] = arena.count
        arena.append(contentsOf: text.utf8)
        finish(column, kind: kind)
    }

    /// Forgets every value, then lets `body` set kinds and value ranges directly (ranges into the arena that
    /// ``setArena(_:)`` is to provide). Used by a scanner that reads a whole row in one pass.
    mutating func fill<T>(
        _ body: (
            _ kinds: UnsafeMutableBufferPointer<Kind>,
            _ starts: UnsafeMutableBufferPointer<Int>,
            _ ends: UnsafeMutableBufferPointer<Int>
        ) throws -> T
    ) rethrows -> T {
        try kinds.withUnsafeMutableBufferPointer { kinds in
            kinds.update(repeating: .absent)
            return try starts.withUnsafeMutableBufferPointer { starts in
                try ends.withUnsafeMutableBufferPointer { ends in try body(kinds, starts, ends) }
            }
        }
    }

    /// Replaces the arena with `bytes` (the ranges set by ``fill(_:)`` index into it).
    mutating func setArena(_ bytes: UnsafeBufferPointer<UInt8>) {
        arena.removeAll(keepingCapacity: true)
        arena.append(contentsOf: bytes)
    }

    /// Calls `body` with the bytes of `column`'s value.
    @inline(__always)
    func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[column]..<ends[column]])) }
    }

    /// The value of `column` as a `String` (empty for values without bytes).
    func text(_ column: Int) -> String {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }
}
