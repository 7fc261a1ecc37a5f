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

    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        assert(used + bytes.count <= capacity, "UncheckedByteSink overflow")
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + used).update(from: source, count: bytes.count)
        used += bytes.count
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
