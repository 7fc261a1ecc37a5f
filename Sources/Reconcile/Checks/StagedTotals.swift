public import SegmentLog

/// What the staging log says one stream holds: each sealed segment's control totals, from its manifest.
///
/// Value type, `Sendable`.
public struct StagedStream: Sendable, Hashable {
    /// One sealed segment's totals.
    public struct Segment: Sendable, Hashable {
        public var sequence: UInt64
        public var rowCount: Int64
        /// Exact sum per amount column, as decimal text.
        public var amounts: [String: String]
        /// Group totals (GL: `journal:…` and `account:…` → debit/credit).
        public var groups: [String: [String: String]]
        /// The business dates the segment covers, `min..max`, if it has any.
        public var businessDates: String?

        public init(
            sequence: UInt64,
            rowCount: Int64,
            amounts: [String: String],
            groups: [String: [String: String]] = [:],
            businessDates: String? = nil
        ) {
            self.sequence = sequence
            self.rowCount = rowCount
            self.amounts = amounts
            self.groups = groups
            self.businessDates = businessDates
        }

        /// The segment's totals from its manifest.
        public init(_ manifest: Manifest) {
            self.init(
                sequence: manifest.sequence,
                rowCount: manifest.controlTotals.rowCount,
                amounts: manifest.controlTotals.amounts,
                groups: manifest.controlTotals.groups,
                businessDates: manifest.businessDates.map { "\($0.min)..\($0.max)" }
            )
        }
    }

    public var company: String
    public var table: String
    public var amountColumns: [String]
    public var keyColumns: [String]
    public var segments: [Segment]

    public init(company: String, table: String, amountColumns: [String], keyColumns: [String], segments: [Segment]) {
        self.company = company
        self.table = table
        self.amountColumns = amountColumns
        self.keyColumns = keyColumns
        self.segments = segments
    }
}
