import Common

/// What syspro-bq knows about one SYSPRO table: its key, its columns and types, how changes are found, and
/// how its BigQuery table is laid out.
///
/// Built-in entries live in ``Catalog/builtIn``; users add tables or override entries through configuration
/// (``CatalogEntryOverride``). Every entry is checked by ``validate()`` before use.
///
/// This type is a value type and is `Sendable`.
public struct CatalogEntry: Sendable, Hashable, Codable {
    /// The SQL table name, which is also the OData entity-set name and the COMFND `TableName` (`ApInvoice`).
    public var table: String
    /// The primary-key columns, in key order. Values are opaque strings: never trimmed on the left, never cast.
    public var keyColumns: [String]
    /// The columns read, in the order they are staged. A `timestamp` column, when present, is the row version.
    public var columns: [CatalogColumn]
    /// Change strategies in order of preference; the source uses the first the server supports.
    public var changeStrategies: [ChangeStrategy]
    /// The column that dates a row for partitioning and `replay --from --to`; `nil` for masters.
    public var businessDateColumn: String?
    /// Decimal columns summed as control totals (finance checks the same totals in BigQuery).
    public var amountColumns: [String]
    /// The raw table's partitioning.
    public var partitioning: Partitioning
    /// The raw table's clustering columns (at most 4); `_company` names the lineage column.
    public var clustering: [String]
    /// Why the entry is the way it is, where the reference leaves a choice (e.g. an unconfirmed key).
    public var notes: String?

    /// BigQuery allows at most four clustering columns.
    /// See https://cloud.google.com/bigquery/docs/clustered-tables#limitations
    public static let maximumClusteringColumns = 4
    /// The lineage column holding the company id, usable in ``clustering``.
    public static let companyColumn = "_company"

    public init(
        table: String,
        keyColumns: [String],
        columns: [CatalogColumn],
        changeStrategies: [ChangeStrategy],
        businessDateColumn: String? = nil,
        amountColumns: [String] = [],
        partitioning: Partitioning? = nil,
        clustering: [String]? = nil,
        notes: String? = nil
    ) {
        self.table = table
        self.keyColumns = keyColumns
        self.columns = columns
        self.changeStrategies = changeStrategies
        self.businessDateColumn = businessDateColumn
        self.amountColumns = amountColumns
        self.partitioning =
            partitioning ?? businessDateColumn.map { .column($0, granularity: .month) } ?? .ingestion(granularity: .day)
        self.clustering = clustering ?? Self.defaultClustering(keyColumns: keyColumns)
        self.notes = notes
    }

    /// `_company` followed by the first key columns, up to four in all.
    public static func defaultClustering(keyColumns: [String]) -> [String] {
        Array(([companyColumn] + keyColumns).prefix(maximumClusteringColumns))
    }

    /// The columns that carry data: every column except the `timestamp` row version.
    public var dataColumns: [CatalogColumn] { columns.filter { !$0.isRowVersion } }

    /// The name of the `timestamp` row-version column, when the entry has one.
    public var rowVersionColumn: String? { columns.first(where: { $0.isRowVersion })?.name }

    /// The column named `name` (exact match).
    public func column(named name: String) -> CatalogColumn? { columns.first(where: { $0.name == name }) }

    /// A copy without the row-version column and the `rowVersion` strategy, for a server that does not expose it.
    public func withoutRowVersion() -> CatalogEntry {
        var copy = self
        copy.columns.removeAll(where: { $0.isRowVersion })
        copy.changeStrategies.removeAll(where: { $0 == .rowVersion })
        if copy.changeStrategies.isEmpty { copy.changeStrategies = [.snapshot] }
        return copy
    }

    /// Checks the entry's internal consistency.
    ///
    /// - Throws: `SysproBQError` `.configuration` (terminal) naming the table and the first problem found.
    public func validate() throws {
        func fail(_ problem: String, remedy: String? = nil) -> SysproBQError {
            SysproBQError(
                .configuration,
                "catalog entry '\(table)': \(problem)",
                remedy: remedy ?? "fix the table's entry in the catalog section of the configuration",
                disposition: .terminal
            )
        }
        guard Self.isValidTableName(table) else {
            throw fail("the table name must be letters, digits, '_' or '+' (a SYSPRO custom-form table)")
        }
        guard !columns.isEmpty else { throw fail("it has no columns") }
        var seen = Set<String>()
        for column in columns {
            guard Self.isValidColumnName(column.name) else {
                throw fail(
                    "column '\(column.name)' is not a valid name (letters, digits and '_', not starting with a digit)"
                )
            }
            // e.net answers with element names in any case, so names must differ by more than case.
            guard seen.insert(column.name.lowercased()).inserted else {
                throw fail("column '\(column.name)' is listed twice (names are compared without case)")
            }
            if column.hasTimeOfDay, column.sqlType != .datetime {
                throw fail("column '\(column.name)' has hasTimeOfDay but is \(column.sqlType), not datetime")
            }
        }
        if columns.filter(\.isRowVersion).count > 1 { throw fail("it has more than one timestamp column") }
        guard !keyColumns.isEmpty else { throw fail("it has no key columns") }
        guard Set(keyColumns).count == keyColumns.count else { throw fail("a key column is listed twice") }
        for key in keyColumns {
            guard let column = column(named: key) else {
                throw fail("key column '\(key)' is not among its columns")
            }
            if column.isRowVersion { throw fail("key column '\(key)' is the timestamp row version") }
            if column.nullable { throw fail("key column '\(key)' is nullable; key columns are NOT NULL") }
        }
        guard !changeStrategies.isEmpty else { throw fail("it lists no change strategy") }
        for strategy in changeStrategies {
            switch strategy {
            case .rowVersion:
                guard rowVersionColumn != nil else {
                    throw fail("the rowVersion strategy needs a column of type timestamp (SYSPRO's TimeStamp)")
                }
            case .businessDate(let name, let days):
                guard let column = column(named: name), column.sqlType == .datetime || column.sqlType == .date
                else { throw fail("the businessDate strategy column '\(name)' is not a datetime/date column") }
                guard days >= 0 else { throw fail("lookBackDays must not be negative") }
            case .snapshot:
                break
            }
        }
        if let name = businessDateColumn {
            guard let column = column(named: name), column.sqlType == .datetime || column.sqlType == .date else {
                throw fail("businessDateColumn '\(name)' is not a datetime/date column of the entry")
            }
        }
        for name in amountColumns {
            guard let column = column(named: name), case .decimal = column.sqlType else {
                throw fail("amount column '\(name)' is not a decimal column of the entry")
            }
        }
        if case .column(let name, _) = partitioning {
            guard let column = column(named: name), column.sqlType == .datetime || column.sqlType == .date else {
                throw fail("partitioning column '\(name)' is not a datetime/date column of the entry")
            }
        }
        guard clustering.count <= Self.maximumClusteringColumns else {
            throw fail("it clusters on \(clustering.count) columns; BigQuery allows at most 4")
        }
        for name in clustering where name != Self.companyColumn {
            guard let column = column(named: name), !column.isRowVersion else {
                throw fail("clustering column '\(name)' is not a data column of the entry")
            }
        }
    }

    static func isValidTableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "+") }
    }

    static func isValidColumnName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.count <= 128 && name.utf8.allSatisfy { isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
