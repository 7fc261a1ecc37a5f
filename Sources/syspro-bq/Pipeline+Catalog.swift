import Common
import Extract
import Operator

/// The catalog the pipeline runs with: the built-in SYSPRO tables merged with `[tables.<Name>]` sections.
enum PipelineCatalog {
    /// The tables GL postings live in: append-only, never deleted in SYSPRO, so they are never swept.
    static let appendOnlyTables: Set<String> = ["GenTransaction", "GenJournalDetail"]
    static let defaultSweepEveryRuns = 12

    /// Merges the configuration into the built-in catalog.
    ///
    /// - Throws: `.configuration` naming the table and the problem (an unknown business-date column, a bad type).
    static func make(_ configuration: Configuration) throws(SysproBQError) -> Catalog {
        do throws(any Error) {
            var custom: [CatalogEntry] = []
            var overrides: [CatalogEntryOverride] = []
            let builtIn = Catalog.builtIn
            for table in configuration.tables {
                if let keys = table.keys, let declarations = table.columns {
                    custom.append(try customEntry(table, keys: keys, declarations: declarations))
                    continue
                }
                guard let existing = try? builtIn.entry(for: table.name) else {
                    throw SysproBQError(
                        .configuration,
                        "[tables.\(table.name)] names a table the catalog lacks and declares no keys and columns",
                        remedy: "add keys = [...] and columns = [\"Name:sqltype\", ...] to [tables.\(table.name)]",
                        disposition: .terminal
                    )
                }
                var override = CatalogEntryOverride(table: table.name)
                if let strategies = strategies(table, existing: existing) { override.changeStrategies = strategies }
                if let column = table.businessDateColumn { override.businessDateColumn = column }
                if let clustering = table.clustering { override.clustering = clustering }
                if let excluded = table.excludeColumns {
                    try checkExclusion(excluded, of: existing, table)
                    override.removedColumns = excluded
                    if table.clustering == nil {
                        override.clustering = existing.clustering.filter { !excluded.contains($0) }
                    }
                }
                if let partitioning = table.partitioning.flatMap({ partitioning($0, existing: existing, table) }) {
                    override.partitioning = partitioning
                }
                overrides.append(override)
            }
            var entries = Array(builtIn.entries.values)
            entries.append(contentsOf: custom)
            return try Catalog(entries: entries).merging(overrides)
        } catch let error as SysproBQError {
            throw error
        } catch {
            throw SysproBQError(.configuration, "the table catalog cannot be built: \(error)", disposition: .terminal)
        }
    }

    /// The tables an extract or load of `requested` covers: the requested ones, else every enabled table.
    static func selectedTables(_ configuration: Configuration, catalog: Catalog, requested: [String]) -> [String] {
        if !requested.isEmpty { return requested }
        let disabled = Set(configuration.tables.filter { !$0.enabled }.map(\.name))
        return catalog.tables.filter { !disabled.contains($0) }
    }

    /// `exclude_columns` may drop only columns the entry has, and none it cannot work without.
    private static func checkExclusion(
        _ excluded: [String],
        of entry: CatalogEntry,
        _ table: Configuration.Table
    ) throws(SysproBQError) {
        let names = Set(entry.columns.map(\.name))
        if let unknown = excluded.first(where: { !names.contains($0) }) {
            throw SysproBQError(
                .configuration,
                "[tables.\(table.name)] exclude_columns names \(unknown), which is not a column of \(table.name)",
                remedy: "list only columns of the catalog's \(table.name) (case matters)",
                disposition: .terminal
            )
        }
        var essential = Set(entry.keyColumns)
        if let column = table.businessDateColumn ?? entry.businessDateColumn { essential.insert(column) }
        if let column = entry.rowVersionColumn { essential.insert(column) }
        if let needed = excluded.first(where: essential.contains) {
            throw SysproBQError(
                .configuration,
                "[tables.\(table.name)] exclude_columns names \(needed), which \(table.name) cannot do without "
                    + "(a key, its business date or its rowversion)",
                remedy: "remove \(needed) from exclude_columns; if this SYSPRO truly lacks it, declare the table "
                    + "yourself with keys and columns",
                disposition: .terminal
            )
        }
    }

    /// `[tables.X] sweep_every_runs`, else the default: never for GL postings read by rowversion (append-only: a
    /// rowversion cursor misses nothing), every 12 runs otherwise. Through e.net there is no rowversion, so GL
    /// postings are found by posting date with a look-back, and a posting back-dated beyond it is found only by
    /// a sweep (which stages only new and changed rows: e.net rows are versioned by content hash).
    static func sweepEveryRuns(_ configuration: Configuration, table: String) -> Int {
        if let configured = configuration.tables.first(where: { $0.name == table })?.sweepEveryRuns {
            return configured
        }
        if configuration.syspro.source == .enet { return defaultSweepEveryRuns }
        return appendOnlyTables.contains(table) ? 0 : defaultSweepEveryRuns
    }

    private static func strategies(_ table: Configuration.Table, existing: CatalogEntry) -> [Extract.ChangeStrategy]? {
        let existingLookBack = existing.changeStrategies.compactMap { strategy -> Int? in
            if case .businessDate(_, let days) = strategy { return days }
            return nil
        }
        .first
        let dateColumn = table.businessDateColumn ?? existing.businessDateColumn
        switch table.strategy {
        case .rowversion?: return [.rowVersion, .snapshot]
        case .snapshot?: return [.snapshot]
        case .businessDate?:
            guard let dateColumn else { return nil }
            return [.businessDate(column: dateColumn, lookBackDays: table.lookBackDays ?? existingLookBack ?? 7)]
        case nil:
            guard let days = table.lookBackDays else { return nil }
            return existing.changeStrategies.map { strategy in
                if case .businessDate(let column, _) = strategy {
                    return .businessDate(column: column, lookBackDays: days)
                }
                return strategy
            }
        }
    }

    private static func partitioning(
        _ choice: Configuration.Partitioning,
        existing: CatalogEntry?,
        _ table: Configuration.Table
    ) -> Extract.Partitioning? {
        let column = table.businessDateColumn ?? existing?.businessDateColumn
        switch choice {
        case .ingestionDay: return .ingestion(granularity: .day)
        case .ingestionMonth: return .ingestion(granularity: .month)
        case .businessDateDay: return column.map { .column($0, granularity: .day) }
        case .businessDateMonth: return column.map { .column($0, granularity: .month) }
        case .none: return nil
        }
    }

    private static func customEntry(
        _ table: Configuration.Table,
        keys: [String],
        declarations: [Configuration.ColumnDeclaration]
    ) throws -> CatalogEntry {
        let columns = try declarations.map { declaration -> CatalogColumn in
            guard let type = SQLType(parsing: declaration.sqlType) else {
                throw SysproBQError(
                    .configuration,
                    "[tables.\(table.name)] column \(declaration.name) has SQL type \(declaration.sqlType), "
                        + "which syspro-bq cannot map to BigQuery",
                    remedy: "use decimal(p,s), char(n), varchar(n), datetime or timestamp",
                    disposition: .terminal
                )
            }
            return CatalogColumn(name: declaration.name, sqlType: type, nullable: !keys.contains(declaration.name))
        }
        let hasRowVersion = columns.contains(where: \.isRowVersion)
        var strategies: [Extract.ChangeStrategy] = hasRowVersion ? [.rowVersion, .snapshot] : [.snapshot]
        switch table.strategy {
        case .snapshot?: strategies = [.snapshot]
        case .businessDate?:
            if let column = table.businessDateColumn {
                strategies = [.businessDate(column: column, lookBackDays: table.lookBackDays ?? 7)]
            }
        default: break
        }
        let entry = CatalogEntry(
            table: table.name,
            keyColumns: keys,
            columns: columns,
            changeStrategies: strategies,
            businessDateColumn: table.businessDateColumn,
            clustering: table.clustering
        )
        try entry.validate()
        return entry
    }
}
