/// One SQL value in the simulated database.
///
/// Decimals are held unscaled in an `Int64` (the column's type gives the scale), so money never
/// passes through a binary floating type: `decimal(18,6)` up to 999999999999.999999 fits.
enum Value: Sendable, Hashable {
    case null
    case string(String)
    /// The unscaled decimal: 1234.50 in `decimal(14,2)` is 123450.
    case decimal(Int64)
    /// Days since 1970-01-01 (the proleptic Gregorian calendar), a date at local midnight.
    case date(Int32)
    /// The 8-byte rowversion.
    case stamp(UInt64)

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// SQL ordering with NULL first (SQL Server's ascending order); strings by UTF-8 bytes.
    static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.string(let x), .string(let y)): return compareBytes(x, y)
        case (.decimal(let x), .decimal(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.stamp(let x), .stamp(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        default: return 0
        }
    }

    /// Ordinal comparison of UTF-8 bytes (a case-sensitive binary collation).
    static func compareBytes(_ x: String, _ y: String) -> Int {
        var a = x
        var b = y
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = min(pa.count, pb.count)
                if n > 0 {
                    let c = memcmpBytes(pa.baseAddress!, pb.baseAddress!, n)
                    if c != 0 { return c }
                }
                return pa.count < pb.count ? -1 : (pa.count > pb.count ? 1 : 0)
            }
        }
    }

    private static func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int {
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }
}

/// Compares two rows' values at the given column positions, lexicographically.
func compareKeys(_ a: [Value], _ b: [Value], _ columns: [Int]) -> Int {
    for c in columns {
        let r = Value.compare(a[c], b[c])
        if r != 0 { return r }
    }
    return 0
}
