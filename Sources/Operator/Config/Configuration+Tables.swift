/// `[tables.<Name>]`: overrides of the catalog's choices, or a whole table the catalog lacks.
///
/// Only syntax and self-consistency are checked here; whether `business_date_column` or a clustering column
/// exists in a catalogued table is checked when the pipeline merges the catalog.
extension Configuration {
    /// SQL Server base types a `columns` entry may use (SYSPRO runs on SQL Server).
    static let sqlTypes: Set<String> = [
        "bigint", "int", "smallint", "tinyint", "bit", "decimal", "numeric", "money", "smallmoney", "float", "real",
        "date", "datetime", "datetime2", "smalldatetime", "time", "datetimeoffset", "char", "varchar", "nchar",
        "nvarchar", "text", "ntext", "binary", "varbinary", "image", "timestamp", "rowversion", "uniqueidentifier",
        "xml",
    ]

    static func readTable(_ name: String, _ reader: SectionReader) -> Table {
        var table = Table(name: name)
        if !isIdentifier(name) {
            reader.problems.add(
                "\(tableHeaderOrigin(reader)): table name '\(name)' in [tables.\(name)] is not a SYSPRO table name "
                    + "(letters, digits and '_', starting with a letter)"
            )
        }
        table.enabled = reader.boolean("enabled") ?? true
        table.strategy = reader.choice("strategy", as: ChangeStrategy.self)
        table.businessDateColumn = reader.nonEmptyString("business_date_column")
        if let column = table.businessDateColumn, !isIdentifier(column) {
            reader.report("business_date_column", "must be a column name (letters, digits, '_'); found \"\(column)\"")
        }
        table.lookBackDays = reader.integer("look_back_days", in: 0...366, unit: " days")
        table.sweepEveryRuns = reader.integer("sweep_every_runs", in: 0...100_000, unit: " runs")
        table.partitioning = reader.choice("partitioning", as: Partitioning.self)
        table.clustering = reader.stringArray("clustering", maxCount: 4)
        if let bad = table.clustering?.first(where: { !isIdentifier($0) }) {
            reader.report("clustering", "holds \"\(bad)\", which is not a column name (letters, digits, '_')")
        }
        table.scheduleHint = reader.string("schedule_hint")
        table.loadMode = reader.choice("load_mode", as: LoadMode.self)
        table.keys = reader.stringArray("keys")
        table.columns = readColumns(reader)
        table.excludeColumns = reader.stringArray("exclude_columns")
        if let bad = table.excludeColumns?.first(where: { !isIdentifier($0) }) {
            reader.report("exclude_columns", "holds \"\(bad)\", which is not a column name (letters, digits, '_')")
        }
        if table.excludeColumns != nil, table.columns != nil {
            reader.report("exclude_columns", "cannot be combined with columns: leave the column out of columns instead")
        }
        checkCustomTable(table, reader)
        return table
    }

    private static func tableHeaderOrigin(_ reader: SectionReader) -> String {
        reader.values.values.map(\.origin).first.map { "\($0)" } ?? "[\(reader.section)]"
    }

    /// `columns = ["Supplier:varchar(15)", "Amount:decimal(14,2)"]`.
    private static func readColumns(_ reader: SectionReader) -> [ColumnDeclaration]? {
        guard let entries = reader.stringArray("columns") else { return nil }
        var columns: [ColumnDeclaration] = []
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, isIdentifier(String(parts[0])) else {
                reader.report("columns", "entry \"\(entry)\" must be \"Name:sqltype\", e.g. \"Supplier:varchar(15)\"")
                return nil
            }
            let sqlType = parts[1].lowercased()
            guard isSQLType(sqlType) else {
                reader.report(
                    "columns",
                    "entry \"\(entry)\" has SQL type \"\(parts[1])\", which is not a SQL Server type such as "
                        + "varchar(15), decimal(14,2), datetime, int or timestamp"
                )
                return nil
            }
            columns.append(ColumnDeclaration(name: String(parts[0]), sqlType: sqlType))
        }
        if let duplicate = SectionReader.firstDuplicate(columns.map(\.name)) {
            reader.report("columns", "declares column \"\(duplicate)\" twice")
            return nil
        }
        return columns
    }

    /// `base`, `base(n)`, `base(max)` or `base(p,s)` with a known base type.
    static func isSQLType(_ text: String) -> Bool {
        guard let open = text.firstIndex(of: "(") else { return sqlTypes.contains(text) }
        guard text.hasSuffix(")"), sqlTypes.contains(String(text[..<open])) else { return false }
        let arguments = text[text.index(after: open)..<text.index(before: text.endIndex)]
            .split(separator: ",", omittingEmptySubsequences: false)
        guard (1...2).contains(arguments.count) else { return false }
        return arguments.allSatisfy { argument in
            argument == "max" || (!argument.isEmpty && argument.allSatisfy { $0.isASCII && $0.isNumber })
        }
    }

    /// A table the catalog lacks declares `keys` and `columns` together, and its other choices must agree.
    private static func checkCustomTable(_ table: Table, _ reader: SectionReader) {
        switch (table.keys, table.columns) {
        case (nil, nil):
            return
        case (.some, nil):
            reader.report(
                "keys",
                "is given without columns; a table the catalog lacks needs both keys and columns "
                    + "(catalogued tables take their keys from the catalog)"
            )
        case (nil, .some):
            reader.report("columns", "is given without keys; a table the catalog lacks needs both keys and columns")
        case (let keys?, let columns?):
            let names = Set(columns.map(\.name))
            if keys.isEmpty { reader.report("keys", "must name at least one key column") }
            if let missing = keys.first(where: { !names.contains($0) }) {
                reader.report("keys", "names \"\(missing)\", which is not in columns")
            }
            if let missing = table.clustering?.first(where: { !names.contains($0) }) {
                reader.report("clustering", "names \"\(missing)\", which is not in columns")
            }
            if let column = table.businessDateColumn, !names.contains(column) {
                reader.report("business_date_column", "names \"\(column)\", which is not in columns")
            }
            if table.strategy == nil {
                reader.report(
                    "keys",
                    "declares a table the catalog lacks, so it also needs strategy = \"rowversion\", "
                        + "\"business_date\" or \"snapshot\""
                )
            }
            if table.strategy == .businessDate, table.businessDateColumn == nil {
                reader.report("strategy", "is \"business_date\", which needs business_date_column")
            }
            let partitionsByDate = table.partitioning == .businessDateDay || table.partitioning == .businessDateMonth
            if partitionsByDate, table.businessDateColumn == nil {
                reader.report("partitioning", "partitions by business date, which needs business_date_column")
            }
            if table.strategy == .rowversion,
                !columns.contains(where: { $0.sqlType == "timestamp" || $0.sqlType == "rowversion" })
            {
                reader.report("strategy", "is \"rowversion\", but no column has SQL type timestamp or rowversion")
            }
        }
    }
}
