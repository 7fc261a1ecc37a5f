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
struct UncheckedByteSink: ByteSink {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        assert(count < capacity, "UncheckedByteSink overflow")
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        assert(count + bytes.count <= capacity, "UncheckedByteSink overflow")
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// A growable scratch area for one row at a time (freed with its owner).
final class ScratchBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// A sink over at least `minimum` bytes (the previous contents are not kept).
    func sink(minimum: Int) -> UncheckedByteSink {
        if minimum > capacity {
            base.deallocate()
            capacity = max(minimum, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        return UncheckedByteSink(base: base, capacity: capacity)
    }
}
