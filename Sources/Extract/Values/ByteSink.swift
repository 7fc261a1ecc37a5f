/// Where the value writers (``JSONText``, ``DecimalText``, ``DateText``) put their bytes: a `[UInt8]`, or an
/// ``UncheckedByteSink`` over memory the caller sized in advance (one capacity check per row instead of one
/// per append).
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteSink where Element == UInt8 {}

/// Appends to memory with room for everything that will be written: the caller guarantees the capacity (a
/// precondition checked in debug builds only), so an append is a store and a count increment.
///
/// Public for Stage's line builder; inlinable, so an append stays a store across the module boundary.
public struct UncheckedByteSink: ByteSink {
    public let base: UnsafeMutablePointer<UInt8>
    public let capacity: Int
    /// Bytes written so far.
    @inlinable public var count: Int { used }
    @usableFromInline var used = 0

    @inlinable
    public init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        assert(used < capacity, "UncheckedByteSink overflow")
        base[used] = byte
        used += 1
    }

    /// Appends `bytes`, which must not overlap the sink's memory.
    ///
    /// Most appends are a column's name or a short value (a few to 16 bytes, ~40 per row); those are copied with
    /// two overlapping word moves instead of a `memmove` call, whose call and size dispatch cost more than the
    /// copy.
    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        assert(used + bytes.count <= capacity, "UncheckedByteSink overflow")
        guard let source = bytes.baseAddress else { return }
        let count = bytes.count
        let target = base + used
        if count > 16 {
            target.update(from: source, count: count)
        } else if count >= 8 {
            Self.moveOverlapping(UInt64.self, from: source, to: target, count: count)
        } else if count >= 4 {
            Self.moveOverlapping(UInt32.self, from: source, to: target, count: count)
        } else {
            for index in 0..<count { target[index] = source[index] }
        }
        used += count
    }

    /// Copies `count` bytes (`Word`'s size ≤ count ≤ twice it) as the first and the last `Word` of the range.
    @inlinable @inline(__always)
    static func moveOverlapping<Word: FixedWidthInteger>(
        _: Word.Type,
        from source: UnsafePointer<UInt8>,
        to target: UnsafeMutablePointer<UInt8>,
        count: Int
    ) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        let tailOffset = count - MemoryLayout<Word>.size
        let head = from.loadUnaligned(as: Word.self)
        let tail = from.loadUnaligned(fromByteOffset: tailOffset, as: Word.self)
        to.storeBytes(of: head, as: Word.self)
        to.storeBytes(of: tail, toByteOffset: tailOffset, as: Word.self)
    }

    @inlinable @inline(__always)
    public mutating func append(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    public var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: used) }
}

/// A growable scratch area for one row at a time (freed with its owner).
///
/// Not thread-safe: one owner uses it at a time. Its two properties are read once per row; they are exempt from
/// the runtime's exclusivity checks (two checked accesses per row otherwise), which is sound because only
/// ``grow(to:)`` writes them, from inside ``sink(minimum:)``, with no other access open.
public final class ScratchBytes {
    @exclusivity(unchecked) @usableFromInline private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline private(set) var capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// A sink over at least `minimum` bytes (the previous contents are not kept).
    @inlinable
    public func sink(minimum: Int) -> UncheckedByteSink {
        if minimum > capacity { grow(to: minimum) }
        return UncheckedByteSink(base: base, capacity: capacity)
    }

    @usableFromInline
    func grow(to minimum: Int) {
        base.deallocate()
        capacity = max(minimum, capacity * 2)
        base = .allocate(capacity: capacity)
    }
}

/// Byte equality for the short runs the totals compare per row (GL group names): words compared in place, the
/// last one overlapping the one before, instead of a `memcmp` call whose call and size dispatch cost more than
/// the comparison. (The page scanner keeps `memcmp` for member names: inlined there, this made its per-column
/// closure capture and retain the expected name.)
public enum ShortBytes {
    /// Whether the `count` bytes at `left` and at `right` are equal.
    @inlinable
    public static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, count: Int) -> Bool {
        let left = UnsafeRawPointer(left)
        let right = UnsafeRawPointer(right)
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                guard word(UInt64.self, left, offset) == word(UInt64.self, right, offset) else { return false }
                offset += 8
            }
            return word(UInt64.self, left, count - 8) == word(UInt64.self, right, count - 8)
        }
        if count >= 4 {
            return word(UInt32.self, left, 0) == word(UInt32.self, right, 0)
                && word(UInt32.self, left, count - 4) == word(UInt32.self, right, count - 4)
        }
        for index in 0..<count
        where left.load(fromByteOffset: index, as: UInt8.self)
            != right.load(fromByteOffset: index, as: UInt8.self)
        {
            return false
        }
        return true
    }

    /// Whether `left` and `right` hold the same bytes.
    @inlinable
    public static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        return equal(leftBase, rightBase, count: left.count)
    }

    @inlinable @inline(__always)
    static func word<Word: FixedWidthInteger>(_: Word.Type, _ base: UnsafeRawPointer, _ offset: Int) -> Word {
        base.loadUnaligned(fromByteOffset: offset, as: Word.self)
    }
}
