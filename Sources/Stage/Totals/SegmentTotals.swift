import Common
import Extract
import SegmentLog

/// Accumulates what a segment's manifest records about its rows: control totals (row count and exact
/// sums of the amount columns), the business-date range and the cursor range.
///
/// Sums use ``ExactDecimal``: money never passes through `Double` (design brief decision 2).
struct SegmentTotals {
    let amountColumns: [String]
    private(set) var rows: Int64 = 0
    private var sums: [ExactDecimal]
    private(set) var minDate: String?
    private(set) var maxDate: String?
    private(set) var cursorFrom: String?
    private(set) var cursorTo: String?
    /// How GL postings are grouped per journal and per account, or `nil` for tables without GL groups.
    let grouping: GLGrouping?
    private let groupingNames: [[UInt8]]
    private var groups: [String: [String: ExactDecimal]] = [:]

    init(amountColumns: [String], grouping: GLGrouping? = nil) {
        self.amountColumns = amountColumns
        self.grouping = grouping
        groupingNames = grouping?.names ?? []
        sums = Array(repeating: .zero, count: amountColumns.count)
    }

    /// The totals of a stream of `table`: GenTransaction gets its journal and account groups.
    init(table: String, amountColumns: [String]) {
        self.init(amountColumns: amountColumns, grouping: GLGrouping.forTable(table))
    }

    /// Adds one source row: its amounts, business date and cursor, and, when this stream has GL groups, its
    /// debit or credit to its journal's and its account's group.
    mutating func add(row: SourceRow, cursor: String?) throws {
        try add(amounts: row.amounts, businessDate: row.businessDate, cursor: cursor)
        guard let grouping else { return }
        for (group, column, value) in try grouping.contributions(of: row.columnsJSON, names: groupingNames) {
            groups[group, default: ["debit": .zero, "credit": .zero]][column, default: .zero] += value
        }
    }

    /// Adds one staged row's amounts (decimal text per amount column, nil for NULL) and business date.
    mutating func add(amounts: [String?], businessDate: String?, cursor: String?) throws {
        rows += 1
        for (index, text) in amounts.enumerated() where index < sums.count {
            guard let text else { continue }
            guard let value = ExactDecimal(text) else {
                throw SysproBQError(
                    .invalidData,
                    "Amount column \(amountColumns[index]) holds '\(text)', which is not a decimal",
                    disposition: .terminal
                )
            }
            sums[index] += value
        }
        if let businessDate {
            if minDate.map({ businessDate < $0 }) ?? true { minDate = businessDate }
            if maxDate.map({ businessDate > $0 }) ?? true { maxDate = businessDate }
        }
        if let cursor {
            if cursorFrom.map({ cursor < $0 }) ?? true { cursorFrom = cursor }
            if cursorTo.map({ cursor > $0 }) ?? true { cursorTo = cursor }
        }
    }

    /// Counts a tombstone row: it has no amounts and no business date.
    mutating func addTombstone() {
        rows += 1
    }

    func sealMetadata(sourceQuery: String) throws -> SealMetadata {
        var amounts: [String: String] = [:]
        for (name, sum) in zip(amountColumns, sums) { amounts[name] = sum.description }
        let dates: BusinessDateRange?
        if let minDate, let maxDate { dates = try BusinessDateRange(min: minDate, max: maxDate) } else { dates = nil }
        return SealMetadata(
            sourceQuery: sourceQuery,
            cursor: CursorRange(from: cursorFrom, to: cursorTo),
            businessDates: dates,
            controlTotals: try ControlTotals(
                rowCount: rows,
                amounts: amounts,
                groups: groups.mapValues { $0.mapValues(\.description) }
            )
        )
    }
}
