public import SegmentLog

/// What `reconcile` looks at: one table or all, one GL period or a business-date range, and how BigQuery
/// names the tables. Value type, `Sendable`.
public struct ReconcileScope: Sendable, Hashable {
    /// Only this SYSPRO table; `nil` for every staged table.
    public var table: String?
    /// Only this GL financial period, `YYYY-PP`; GL group checks are limited to it.
    public var period: String?
    /// Only segments whose business dates overlap this range.
    public var dates: BusinessDateRange?
    public var project: String
    public var dataset: String
    public var tablePrefix: String

    public init(
        project: String,
        dataset: String,
        tablePrefix: String = "",
        table: String? = nil,
        period: String? = nil,
        dates: BusinessDateRange? = nil
    ) {
        self.project = project
        self.dataset = dataset
        self.tablePrefix = tablePrefix
        self.table = table
        self.period = period
        self.dates = dates
    }

    /// `` `project.dataset.<prefix><name>` ``.
    public func reference(_ name: String) -> String { "`\(project).\(dataset).\(tablePrefix)\(name)`" }

    /// Whether a segment with these business dates is in scope (segments without dates always are).
    func includes(_ range: BusinessDateRange?) -> Bool {
        guard let dates, let range else { return true }
        return range.max >= dates.min && range.min <= dates.max
    }

    /// The periods GL checks keep, or `nil` for all.
    var periods: Set<String>? { period.map { [$0] } }

    /// Whether `text` is `YYYY-PP` with a period from 01 to 99.
    public static func isPeriod(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 4 && parts[1].count == 2
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
