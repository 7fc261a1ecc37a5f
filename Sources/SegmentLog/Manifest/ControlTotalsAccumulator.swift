internal import Common

/// Sums amount columns exactly while Stage appends rows, producing a segment's ``ControlTotals``.
///
/// Amounts are the decimal text Stage writes into the row (never a binary float); sums use Common's
/// `ExactDecimal`, so the totals match SYSPRO's to the cent. SQL NULL (`nil`) adds nothing. Every amount
/// column appears in the totals, as `"0"` when nothing was added. Value type, `Sendable`; not shared.
public struct ControlTotalsAccumulator: Sendable {
    public private(set) var rowCount: Int64 = 0
    private let amountColumns: [String]
    private var amounts: [String: ExactDecimal] = [:]
    private var groups: [String: [String: ExactDecimal]] = [:]

    /// - Parameter amountColumns: the schema's amount columns (``StreamSchema/amountColumns``).
    public init(amountColumns: [String]) {
        self.amountColumns = amountColumns
        reset()
    }

    /// Counts one row.
    public mutating func addRow() { rowCount += 1 }

    /// Adds `text` (strict decimal text, or `nil` for SQL NULL) to `column`'s sum and, when given, to the
    /// sum of `column` in `group` (e.g. a GL journal or a period).
    ///
    /// - Throws: `.invalidData` when `text` is not decimal text or `column` is not an amount column.
    public mutating func add(_ text: String?, to column: String, group: String? = nil) throws {
        guard let text else { return }
        guard amounts[column] != nil else {
            throw SysproBQError(
                .invalidData,
                "\(column) is not an amount column of this stream",
                disposition: .terminal
            )
        }
        guard let value = ExactDecimal(text) else {
            throw SysproBQError(
                .invalidData,
                "Amount \(String(reflecting: text)) in column \(column) is not decimal text",
                disposition: .terminal
            )
        }
        amounts[column]! += value
        if let group { groups[group, default: [:]][column, default: .zero] += value }
    }

    /// The totals so far.
    public func totals() throws -> ControlTotals {
        try ControlTotals(
            rowCount: rowCount,
            amounts: amounts.mapValues(\.description),
            groups: groups.mapValues { $0.mapValues(\.description) }
        )
    }

    /// Starts over (after a seal).
    public mutating func reset() {
        rowCount = 0
        amounts = Dictionary(uniqueKeysWithValues: amountColumns.map { ($0, ExactDecimal.zero) })
        groups = [:]
    }
}
