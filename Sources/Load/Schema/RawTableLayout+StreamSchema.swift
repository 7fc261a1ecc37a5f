public import Common
public import SegmentLog

extension RawTableLayout {
    /// The layout of the raw table for `table`, from the staged schemas of its streams (one per company).
    ///
    /// Companies share one raw table, so their schemas are merged: columns in first-seen order, key and
    /// business-date columns from the first schema. A column staged with two different BigQuery types is an error.
    /// - Parameters:
    ///   - table: the SYSPRO table.
    ///   - schemas: the newest schema of each stream of that table, at least one.
    ///   - configuration: gives the table id and partitioning.
    public init(table: String, schemas: [StreamSchema], configuration: BigQueryConfiguration) throws(SysproBQError) {
        guard let first = schemas.first else {
            throw SysproBQError(.internalError, "no staged schema for table \(table)", disposition: .terminal)
        }
        var columns: [SourceColumn] = []
        var types: [String: String] = [:]
        for schema in schemas {
            for column in schema.columns {
                let type = column.bigQueryType.rawValue
                if let known = types[column.name] {
                    guard TableField.canonicalType(known) == TableField.canonicalType(type) else {
                        throw SysproBQError(
                            .invalidData,
                            "table \(table): column \(column.name) is staged as \(known) for one company and \(type) "
                                + "for another",
                            remedy: "stage every company of \(table) with the same catalog version",
                            disposition: .terminal
                        )
                    }
                    continue
                }
                guard BigQueryNames.isValidColumnName(column.name) else {
                    throw SysproBQError(
                        .invalidData,
                        "table \(table): column name '\(column.name)' is not a valid BigQuery column name",
                        disposition: .terminal
                    )
                }
                types[column.name] = type
                columns.append(SourceColumn(name: column.name, bigQueryType: type))
            }
        }
        self.init(
            tableID: configuration.rawTableID(forTable: table),
            sourceTable: table,
            sourceColumns: columns,
            keyColumns: first.keyColumns,
            businessDateColumn: first.businessDateColumn,
            partitioning: configuration.options(forTable: table).partitioning
        )
    }
}
