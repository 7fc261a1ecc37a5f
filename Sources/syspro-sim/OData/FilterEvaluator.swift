/// Evaluates a `FilterExpression` against rows, with SQL semantics: a comparison involving NULL
/// is false (except `eq null` / `ne null`), strings compare by UTF-8 bytes (case-sensitive),
/// decimals exactly, dates as instants at local midnight in the served offset, rowversions as
/// 8 big-endian bytes.
struct FilterEvaluator {
    let schema: TableSchema
    /// The UTC offset the service serialises dates with, in seconds (+02:00 → 7200).
    let offsetSeconds: Int

    func matches(_ expr: FilterExpression, _ row: [Value]) -> Bool {
        switch expr {
        case .and(let a, let b): return matches(a, row) && matches(b, row)
        case .or(let a, let b): return matches(a, row) || matches(b, row)
        case .not(let a): return !matches(a, row)
        case .compare(let column, let op, let literal):
            let value = row[column]
            if case .null = literal {
                return op == .eq ? value.isNull : !value.isNull
            }
            guard let ordering = compare(value, literal, scale: schema.columns[column].type.scale ?? 0) else {
                return false
            }
            return op.holds(ordering)
        }
    }

    /// Orders a stored value against a literal; nil when the value is NULL.
    func compare(_ value: Value, _ literal: FilterLiteral, scale: Int) -> Int? {
        switch (value, literal) {
        case (.string(let s), .string(let l)): return Value.compareBytes(s, l)
        case (.decimal(let v), .number(let u, let t)):
            var a = Int128(v)
            var b = u
            if scale < t { for _ in scale..<t { a *= 10 } }
            if t < scale { for _ in t..<scale { b *= 10 } }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.date(let d), .instant(let i)):
            let instant = Int64(d) * 86400 - Int64(offsetSeconds)
            return instant < i ? -1 : (instant > i ? 1 : 0)
        case (.stamp(let s), .binary(let bytes)):
            var own: [UInt8] = []
            for k in (0..<8).reversed() { own.append(UInt8((s >> UInt64(k * 8)) & 0xFF)) }
            if own.lexicographicallyPrecedes(bytes) { return -1 }
            return own == bytes ? 0 : 1
        default: return nil
        }
    }

    // MARK: Index bounds

    /// Per-column constraints collected from a conjunction.
    private struct Range {
        var equal: Value?
        var lower: Value?
        var upper: Value?
    }

    /// A conservative lower bound on the leading `columns` of every matching row (a prefix of
    /// values), or nil when the filter does not bound them. Rows before it cannot match.
    func lowerBound(_ expr: FilterExpression?, columns: [Int]) -> [Value]? {
        guard let expr else { return nil }
        switch expr {
        case .or(let a, let b):
            guard let x = lowerBound(a, columns: columns), let y = lowerBound(b, columns: columns) else { return nil }
            return comparePrefixes(x, y) <= 0 ? x : y
        case .not: return nil
        default:
            let ranges = collect(expr)
            var prefix: [Value] = []
            for c in columns {
                if let e = ranges[c]?.equal {
                    prefix.append(e)
                } else {
                    if let l = ranges[c]?.lower { prefix.append(l) }
                    break
                }
            }
            return prefix.isEmpty ? nil : prefix
        }
    }

    /// A conservative upper bound prefix: rows whose leading columns sort after it cannot match.
    func upperBound(_ expr: FilterExpression?, columns: [Int]) -> [Value]? {
        guard let expr else { return nil }
        switch expr {
        case .or(let a, let b):
            guard let x = upperBound(a, columns: columns), let y = upperBound(b, columns: columns) else { return nil }
            // The larger bound; a shorter prefix equal on the common part is the larger one.
            let c = comparePrefixes(x, y)
            if c == 0 { return x.count <= y.count ? x : y }
            return c > 0 ? x : y
        case .not: return nil
        default:
            let ranges = collect(expr)
            var prefix: [Value] = []
            for c in columns {
                if let e = ranges[c]?.equal {
                    prefix.append(e)
                } else {
                    if let u = ranges[c]?.upper { prefix.append(u) }
                    break
                }
            }
            return prefix.isEmpty ? nil : prefix
        }
    }

    private func comparePrefixes(_ a: [Value], _ b: [Value]) -> Int {
        for (x, y) in zip(a, b) {
            let c = Value.compare(x, y)
            if c != 0 { return c }
        }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }

    /// Gathers eq / lower / upper constraints from a tree of `and`s; other shapes contribute nothing.
    private func collect(_ expr: FilterExpression) -> [Int: Range] {
        switch expr {
        case .and(let a, let b):
            var left = collect(a)
            for (k, v) in collect(b) {
                var r = left[k] ?? Range()
                r.equal = r.equal ?? v.equal
                r.lower = max(r.lower, v.lower)
                r.upper = min(r.upper, v.upper)
                left[k] = r
            }
            return left
        case .compare(let column, let op, let literal):
            guard let (low, high) = storedBounds(literal, column: column) else { return [:] }
            switch op {
            case .eq:
                // An exact stored value is only available when both bounds agree.
                if low == high { return [column: Range(equal: low, lower: low, upper: high)] }
                return [column: Range(equal: nil, lower: low, upper: high)]
            case .gt, .ge: return [column: Range(equal: nil, lower: low, upper: nil)]
            case .lt, .le: return [column: Range(equal: nil, lower: nil, upper: high)]
            case .ne: return [:]
            }
        default: return [:]
        }
    }

    private func max(_ a: Value?, _ b: Value?) -> Value? {
        guard let a else { return b }
        guard let b else { return a }
        return Value.compare(a, b) >= 0 ? a : b
    }

    private func min(_ a: Value?, _ b: Value?) -> Value? {
        guard let a else { return b }
        guard let b else { return a }
        return Value.compare(a, b) <= 0 ? a : b
    }

    /// The stored values just at or below / at or above a literal, in the column's representation.
    private func storedBounds(_ literal: FilterLiteral, column: Int) -> (Value, Value)? {
        switch literal {
        case .string(let s): return (.string(s), .string(s))
        case .number(let u, let t):
            let scale = schema.columns[column].type.scale ?? 0
            var v = u
            if t < scale { for _ in t..<scale { v *= 10 } }
            var low = v
            var high = v
            if t > scale {
                var divisor: Int128 = 1
                for _ in scale..<t { divisor *= 10 }
                low = v / divisor - (v % divisor < 0 ? 1 : 0)
                high = v / divisor + (v % divisor > 0 ? 1 : 0)
            }
            guard let l = Int64(exactly: low), let h = Int64(exactly: high) else { return nil }
            return (.decimal(l), .decimal(h))
        case .instant(let i):
            let local = i + Int64(offsetSeconds)
            let day = local >= 0 ? local / 86400 : (local - 86399) / 86400
            let exact = local - day * 86400 == 0
            return (.date(Int32(day)), .date(Int32(exact ? day : day + 1)))
        case .binary(let bytes):
            guard bytes.count == 8 else { return nil }
            let v = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return (.stamp(v), .stamp(v))
        case .null: return nil
        }
    }
}
