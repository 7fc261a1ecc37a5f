/// One SYSPRO row, rendered in the staged format (CONVENTIONS.md, "The staged row contract") and ready
/// for Stage to wrap with its lineage fields.
///
/// This type is a value type and is `Sendable`.
public struct SourceRow: Sendable, Hashable {
    /// `"Col":value,"Col2":value` — the source data columns in catalog order, without braces: decimals as JSON
    /// strings of the exact text, dates `"YYYY-MM-DD"`, strings byte-exact, SQL NULL as `null`.
    public var columnsJSON: [UInt8]
    /// The key column values in key order, byte-exact (decimal keys as their decimal text).
    public var keyValues: [String]
    /// The SQL rowversion as `0x` + 16 upper-case hex digits, when the row carries `TimeStamp`.
    public var rowVersion: String?
    /// The business date (`YYYY-MM-DD`) of the entry's business-date column, when it has one and it is set.
    public var businessDate: String?
    /// The decimal text of each catalog amount column, in catalog order; `nil` for NULL.
    public var amounts: [String?]

    public init(
        columnsJSON: [UInt8],
        keyValues: [String],
        rowVersion: String?,
        businessDate: String?,
        amounts: [String?]
    ) {
        self.columnsJSON = columnsJSON
        self.keyValues = keyValues
        self.rowVersion = rowVersion
        self.businessDate = businessDate
        self.amounts = amounts
    }

    /// The columns as a `String`, for tests and diagnostics.
    public var columnsText: String { String(decoding: columnsJSON, as: UTF8.self) }
}
