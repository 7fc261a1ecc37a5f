/// One row as a source read it, before normalisation: per catalog column, the kind of value and its bytes.
///
/// Bytes live in one reusable arena (UTF-8; JSON escapes already decoded, e.net text already converted from
/// Windows-1252), so scanning a row allocates nothing once the arena has grown; a row the one-pass scanner read
/// points into the received chunk instead (``lend(_:)``, during its consumer's call only), and a row loaded from
/// a ``RawPage`` shares the page's bytes. Slots follow the catalog entry's `columns` order, the row-version column
/// included.
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

    private var arena: [UInt8] = []
    /// The scanned bytes the ranges index into while the scanner lends them (``lend(_:)``), in place of a copy
    /// in ``arena``.
    private var borrowed: UnsafeBufferPointer<UInt8>?
    private(set) var kinds: [Kind]
    private(set) var starts: [Int]
    private(set) var ends: [Int]
    /// The bytes of this row's values when the arena is a whole page's (``load(_:from:)``), else `nil`.
    private var loadedByteCount: Int?

    /// The bytes of this row's values (a bound for what rendering it can write).
    var byteCount: Int { borrowed?.count ?? loadedByteCount ?? arena.count }

    init(columnCount: Int) {
        kinds = Array(repeating: .absent, count: columnCount)
        starts = Array(repeating: 0, count: columnCount)
        ends = Array(repeating: 0, count: columnCount)
        arena.reserveCapacity(4096)
    }

    var columnCount: Int { kinds.count }

    /// Forgets every value, keeping the storage.
    mutating func reset() {
        if loadedByteCount != nil {
            arena = []  // a page's bytes: let go of them (keeping their capacity would allocate a copy)
            loadedByteCount = nil
        } else {
            arena.removeAll(keepingCapacity: true)
        }
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
    /// ``lend(_:)`` is to provide). Used by a scanner that reads a whole row in one pass.
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

    /// Lets the ranges set by ``fill(_:)`` index into `bytes` until ``endLoan()``, without copying them: the
    /// one-pass scanner lends the row's text where it lies in the received chunk while its consumer runs. A
    /// consumer that keeps the row beyond that must copy what it needs (``RawPage/append(_:gatheringIn:)``).
    mutating func lend(_ bytes: UnsafeBufferPointer<UInt8>) {
        loadedByteCount = nil
        arena.removeAll(keepingCapacity: true)
        borrowed = bytes
    }

    /// Ends a loan of ``lend(_:)``: the row holds no bytes afterwards.
    mutating func endLoan() { borrowed = nil }

    /// Calls `body` with the bytes of `column`'s value.
    @inline(__always)
    func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try withArena { try body(UnsafeBufferPointer(rebasing: $0[starts[column]..<ends[column]])) }
    }

    /// The value of `column` as a `String` (empty for values without bytes).
    func text(_ column: Int) -> String {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes the value ranges index into.
    @inline(__always)
    func withArena<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        if let borrowed { return try body(borrowed) }
        return try arena.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the row's arena, kinds and value ranges.
    @inline(__always)
    func withStorage<T>(
        _ body: (
            UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Kind>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>
        ) throws -> T
    ) rethrows -> T {
        try withArena { arena in
            try kinds.withUnsafeBufferPointer { kinds in
                try starts.withUnsafeBufferPointer { starts in
                    try ends.withUnsafeBufferPointer { ends in try body(arena, kinds, starts, ends) }
                }
            }
        }
    }

    /// Makes this row row `index` of `page`, sharing the page's bytes (no copy of the values).
    ///
    /// A row loaded this way is only read (built); scanning into it again first makes its arena its own.
    mutating func load(_ index: Int, from page: RawPage) {
        precondition(page.columnCount == kinds.count, "a page of rows of the same columns")
        precondition(index >= 0 && index < page.rowCount, "a row of the page")
        arena = page.bytes
        let count = page.columnCount
        let first = index * count
        var low = Int.max
        var high = 0
        page.withRow(first, count) { pageKinds, pageStarts, pageEnds in
            kinds.withUnsafeMutableBufferPointer { kinds in
                starts.withUnsafeMutableBufferPointer { starts in
                    ends.withUnsafeMutableBufferPointer { ends in
                        for column in 0..<count {
                            kinds[column] = pageKinds[column]
                            let start = Int(pageStarts[column])
                            let end = Int(pageEnds[column])
                            starts[column] = start
                            ends[column] = end
                            if start < low { low = start }
                            if end > high { high = end }
                        }
                    }
                }
            }
        }
        loadedByteCount = high > low ? high - low : 0
    }
}

/// The rows of one page as scanned, before they are built: every row's values copied into one byte array, with
/// each value's kind and range. The OData reader's fetch thread fills one while the build thread builds the
/// page before (``ODataSource``), so the next request goes out without waiting for the build.
///
/// Only the values are kept (not the member names and punctuation a scanned row's arena holds), about a third of
/// a GenTransaction page's bytes: two pages exist at once.
///
/// This type is a value type; not thread-safe (it is handed between threads, never shared).
struct RawPage {
    let columnCount: Int
    private(set) var bytes: [UInt8] = []
    private(set) var kinds: [RawRow.Kind] = []
    private(set) var starts: [Int32] = []
    private(set) var ends: [Int32] = []
    private(set) var rowCount = 0

    /// - Parameter rowCapacity: the rows a page holds at most (the request's `$top`), reserved up front.
    init(columnCount: Int, rowCapacity: Int = 0) {
        self.columnCount = columnCount
        kinds.reserveCapacity(rowCapacity * columnCount)
        starts.reserveCapacity(rowCapacity * columnCount)
        ends.reserveCapacity(rowCapacity * columnCount)
    }

    /// Calls `body` with the kinds and value ranges of the `count` slots from `first`.
    @inline(__always)
    func withRow<T>(
        _ first: Int,
        _ count: Int,
        _ body: (UnsafeBufferPointer<RawRow.Kind>, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>) throws -> T
    ) rethrows -> T {
        try kinds.withUnsafeBufferPointer { kinds in
            try starts.withUnsafeBufferPointer { starts in
                try ends.withUnsafeBufferPointer { ends in
                    try body(
                        UnsafeBufferPointer(rebasing: kinds[first..<first + count]),
                        UnsafeBufferPointer(rebasing: starts[first..<first + count]),
                        UnsafeBufferPointer(rebasing: ends[first..<first + count])
                    )
                }
            }
        }
    }

    /// Forgets every row, keeping the storage.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        rowCount = 0
    }

    /// Appends a copy of `raw`'s values, gathered in `scratch` first so the page's bytes grow once per row (the
    /// fetch thread does this for every row: plain loads and stores, one append per array).
    mutating func append(_ raw: RawRow, gatheringIn scratch: ScratchBytes) {
        precondition(raw.columnCount == columnCount, "a page of rows of the same columns")
        precondition(bytes.count + raw.byteCount <= Int(Int32.max), "a page's values fit 2 GiB")
        let count = columnCount
        let offset = bytes.count
        var values = scratch.sink(minimum: raw.byteCount)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { ranges in
            raw.withStorage { arena, kinds, starts, ends in
                for column in 0..<count {
                    let start = values.count
                    // A column the response lacked keeps whatever range the row before left: it gets an empty one.
                    if kinds[column] != .absent, starts[column] < ends[column] {
                        values.append(
                            contentsOf: UnsafeBufferPointer(
                                start: arena.baseAddress! + starts[column],
                                count: ends[column] - starts[column]
                            )
                        )
                    }
                    ranges[column] = Int32(offset + start)
                    ranges[count + column] = Int32(offset + values.count)
                }
            }
            starts.append(contentsOf: UnsafeBufferPointer(rebasing: ranges[0..<count]))
            ends.append(contentsOf: UnsafeBufferPointer(rebasing: ranges[count..<2 * count]))
        }
        kinds.append(contentsOf: raw.kinds)
        bytes.append(contentsOf: values.written)
        rowCount += 1
    }
}
