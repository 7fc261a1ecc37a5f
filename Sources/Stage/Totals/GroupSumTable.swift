import Extract
import SegmentLog

/// The debit and credit sums of GL groups, keyed by the group name's UTF-8 bytes.
///
/// A GenTransaction segment of 100,000 rows has about 17,000 groups, and every row looks one up. A
/// `Dictionary` keyed by `[UInt8]` cost one allocation per group, a SipHash of the name per lookup and
/// reference counting around each, about 9 % of an extract's CPU. This table keeps every name back to back in
/// one byte array, the sums in one array in insertion order, and finds them by open addressing over a
/// power-of-two slot array with a cheap multiplicative hash of the name's 8-byte words. Names come from the
/// ERP's GL codes, not from an adversary, and a collision costs a probe, never a wrong sum: every hit is
/// confirmed byte for byte.
///
/// This type is a value type; not thread-safe.
struct GroupSumTable {
    struct Sums {
        var debit = MinorUnitSum()
        var credit = MinorUnitSum()
    }

    private struct Entry {
        var hash: UInt64
        var start: Int
        var count: Int
        var sums = Sums()

        /// The entry's name in the table's `names`.
        func name(in names: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: names[start..<start + count])
        }
    }

    /// Every group name, back to back.
    private var names: [UInt8] = []
    private var entries: [Entry] = []
    /// Entry index + 1 per slot, 0 for an empty slot; the count is a power of two, at most 3/4 full.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    var count: Int { entries.count }

    /// Applies `update` to the sums of the group `name`, adding the group (both sums zero) when it is new.
    mutating func update(_ name: UnsafeBufferPointer<UInt8>, _ update: (inout Sums) -> Void) {
        let hash = Self.hash(name)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let occupant = Int(slots[slot])
            if occupant == 0 { break }
            if matches(entries[occupant - 1], hash: hash, name: name) {
                update(&entries[occupant - 1].sums)
                return
            }
            slot = (slot + 1) & mask
        }
        var entry = Entry(hash: hash, start: names.count, count: name.count)
        update(&entry.sums)
        names.append(contentsOf: name)
        entries.append(entry)
        slots[slot] = Int32(entries.count)
        if entries.count * 4 > slots.count * 3 { grow() }
    }

    /// Calls `body` with each group's name and sums, in UTF-8 byte order of the names (the manifest's order).
    func forEachInByteOrder(_ body: (UnsafeBufferPointer<UInt8>, Sums) throws -> Void) rethrows {
        try names.withUnsafeBufferPointer { names in
            let order = entries.indices.sorted {
                CanonicalJSON.bytesPrecede(entries[$0].name(in: names), entries[$1].name(in: names))
            }
            for index in order { try body(entries[index].name(in: names), entries[index].sums) }
        }
    }

    private func matches(_ entry: Entry, hash: UInt64, name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.hash == hash, entry.count == name.count else { return false }
        return names.withUnsafeBufferPointer { ShortBytes.equal(entry.name(in: $0), name) }
    }

    private mutating func grow() {
        var grown = [Int32](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(index + 1)
        }
        slots = grown
    }

    /// A multiplicative hash of the name's 8-byte words (the low bits pick the slot, so the result is mixed
    /// down from the high bits).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: bytes.count) &* multiplier
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ tail) &* multiplier
        }
        hash ^= hash >> 32
        hash = hash &* multiplier
        return hash ^ (hash >> 29)
    }
}
