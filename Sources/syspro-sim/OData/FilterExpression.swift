/// A parsed `$filter` expression, with columns resolved against one table.
indirect enum FilterExpression: Sendable, Equatable {
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    /// `column op literal` (a `literal op column` input is flipped into this form).
    case compare(column: Int, op: ComparisonOperator, literal: FilterLiteral)
}

enum ComparisonOperator: String, Sendable, Equatable {
    case eq, ne, gt, ge, lt, le

    /// The operator with its operands swapped: `5 lt X` is `X gt 5`.
    var flipped: ComparisonOperator {
        switch self {
        case .eq, .ne: return self
        case .gt: return .lt
        case .ge: return .le
        case .lt: return .gt
        case .le: return .ge
        }
    }

    func holds(_ ordering: Int) -> Bool {
        switch self {
        case .eq: return ordering == 0
        case .ne: return ordering != 0
        case .gt: return ordering > 0
        case .ge: return ordering >= 0
        case .lt: return ordering < 0
        case .le: return ordering <= 0
        }
    }
}

/// A literal in a `$filter`, as OData v4 ABNF spells them.
enum FilterLiteral: Sendable, Equatable {
    /// `'text'` with `''` unescaped.
    case string(String)
    /// A decimal or integer: unscaled digits and scale (`12.50` → 1250, 2).
    case number(unscaled: Int128, scale: Int)
    /// A DateTimeOffset, as seconds since 1970-01-01T00:00:00Z.
    case instant(Int64)
    /// `binary'…'` bytes.
    case binary([UInt8])
    case null
}

/// Why a `$filter` was rejected; the message becomes the OData error text (HTTP 400).
struct FilterError: Error, Equatable {
    let message: String
}
