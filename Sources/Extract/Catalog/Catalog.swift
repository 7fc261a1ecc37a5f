import Common

/// The set of tables syspro-bq can extract: the built-in SYSPRO entries merged with the user's own.
///
/// Users add a table the catalog lacks, or change an entry (key, columns, strategies), with
/// ``CatalogEntryOverride`` values from the configuration. ``merging(_:)`` applies them and validates every
/// resulting entry, so a catalog that exists is a consistent one.
///
/// This type is a value type and is `Sendable`.
public struct Catalog: Sendable, Hashable {
    /// The entries by table name (case-sensitive, as SYSPRO spells it).
    public private(set) var entries: [String: CatalogEntry]

    /// A catalog of exactly `entries`, validated.
    ///
    /// - Throws: `SysproBQError` `.configuration` for an invalid entry or a table listed twice.
    public init(entries: [CatalogEntry]) throws {
        var byTable: [String: CatalogEntry] = [:]
        for entry in entries {
            try entry.validate()
            guard byTable.updateValue(entry, forKey: entry.table) == nil else {
                throw SysproBQError(
                    .configuration,
                    "catalog: table '\(entry.table)' is listed twice",
                    remedy: "keep one entry per table",
                    disposition: .terminal
                )
            }
        }
        self.entries = byTable
    }

    /// The built-in catalog (see `Catalog+BuiltIn.swift`).
    public static let builtIn: Catalog = {
        do {
            return try Catalog(entries: builtInEntries)
        } catch {
            preconditionFailure("the built-in catalog is invalid: \(error)")
        }
    }()

    /// Table names in alphabetical order.
    public var tables: [String] { entries.keys.sorted() }

    /// The entry for `table`.
    ///
    /// - Throws: `SysproBQError` `.configuration` (terminal) naming the table and the tables known.
    public func entry(for table: String) throws -> CatalogEntry {
        if let entry = entries[table] { return entry }
        let hint = entries.keys.first(where: { $0.lowercased() == table.lowercased() }).map {
            " (did you mean '\($0)'?)"
        }
        throw SysproBQError(
            .configuration,
            "catalog: no entry for table '\(table)'\(hint ?? "")",
            remedy: "use one of \(tables.joined(separator: ", ")), or add the table to the catalog section of the "
                + "configuration with its keyColumns and columns",
            disposition: .terminal
        )
    }

    /// A copy with `overrides` applied: an override of a known table changes only the fields it sets; an
    /// override of an unknown table adds it and must give `keyColumns` and `columns`.
    ///
    /// - Throws: `SysproBQError` `.configuration` naming the table when an override is incomplete or leaves an
    ///   inconsistent entry.
    public func merging(_ overrides: [CatalogEntryOverride]) throws -> Catalog {
        var copy = self
        for override in overrides {
            let merged = try override.applied(to: entries[override.table])
            try merged.validate()
            copy.entries[merged.table] = merged
        }
        return copy
    }
}

/// A user's change to a catalog entry, or a whole new entry, as written in the configuration.
///
/// Every field but `table` is optional; a field left out keeps the built-in value. `columns` replaces the
/// column list, `additionalColumns` appends to it and `removedColumns` drops columns by name.
///
/// This type is a value type and is `Sendable`.
public struct CatalogEntryOverride: Sendable, Hashable, Codable {
    public var table: String
    public var keyColumns: [String]?
    public var columns: [CatalogColumn]?
    public var additionalColumns: [CatalogColumn]?
    public var removedColumns: [String]?
    public var changeStrategies: [ChangeStrategy]?
    public var businessDateColumn: String?
    public var amountColumns: [String]?
    public var partitioning: Partitioning?
    public var clustering: [String]?
    public var notes: String?

    public init(
        table: String,
        keyColumns: [String]? = nil,
        columns: [CatalogColumn]? = nil,
        additionalColumns: [CatalogColumn]? = nil,
        removedColumns: [String]? = nil,
        changeStrategies: [ChangeStrategy]? = nil,
        businessDateColumn: String? = nil,
        amountColumns: [String]? = nil,
        partitioning: Partitioning? = nil,
        clustering: [String]? = nil,
        notes: String? = nil
    ) {
        self.table = table
        self.keyColumns = keyColumns
        self.columns = columns
        self.additionalColumns = additionalColumns
        self.removedColumns = removedColumns
        self.changeStrategies = changeStrategies
        self.businessDateColumn = businessDateColumn
        self.amountColumns = amountColumns
        self.partitioning = partitioning
        self.clustering = clustering
        self.notes = notes
    }

    /// The entry this override produces on top of `base` (`nil` for a table the catalog lacks). Not validated.
    func applied(to base: CatalogEntry?) throws -> CatalogEntry {
        var entry: CatalogEntry
        if let base {
            entry = base
        } else {
            guard let keyColumns, let columns = columns ?? additionalColumns else {
                throw SysproBQError(
                    .configuration,
                    "catalog: table '\(table)' is not built in, so its entry must give keyColumns and columns",
                    remedy: "add keyColumns and columns (name, sqlType such as decimal(14,2), varchar(20), datetime, "
                        + "timestamp) for '\(table)'",
                    disposition: .terminal
                )
            }
            let hasTimestamp = columns.contains(where: \.isRowVersion)
            entry = CatalogEntry(
                table: table,
                keyColumns: keyColumns,
                columns: columns,
                changeStrategies: hasTimestamp ? [.rowVersion, .snapshot] : [.snapshot],
                businessDateColumn: businessDateColumn
            )
            entry.columns = []
        }
        if let columns { entry.columns = columns }
        if let additionalColumns { entry.columns += additionalColumns }
        if let removedColumns {
            let removed = Set(removedColumns)
            entry.columns.removeAll(where: { removed.contains($0.name) })
            entry.amountColumns.removeAll(where: { removed.contains($0) })
        }
        if let keyColumns {
            if keyColumns != entry.keyColumns, clustering == nil {
                entry.clustering = CatalogEntry.defaultClustering(keyColumns: keyColumns)
            }
            entry.keyColumns = keyColumns
        }
        // SYSPRO key columns are NOT NULL; a user choosing a new key need not restate it per column.
        for index in entry.columns.indices where entry.keyColumns.contains(entry.columns[index].name) {
            entry.columns[index].nullable = false
        }
        if let changeStrategies { entry.changeStrategies = changeStrategies }
        if let businessDateColumn {
            entry.businessDateColumn = businessDateColumn
            if partitioning == nil { entry.partitioning = .column(businessDateColumn, granularity: .month) }
        }
        if let amountColumns { entry.amountColumns = amountColumns }
        if let partitioning { entry.partitioning = partitioning }
        if let clustering { entry.clustering = clustering }
        if let notes { entry.notes = notes }
        return entry
    }
}
