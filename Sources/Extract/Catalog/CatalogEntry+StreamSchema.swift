/// The plain values a staged stream's schema is made of (design brief, decision 10), without depending on
/// SegmentLog: the CLI turns them into SegmentLog's `StreamSchema`.
///
/// This type is a value type and is `Sendable`.
public struct StreamSchemaFields: Sendable, Hashable, Codable {
    /// One staged data column.
    public struct Column: Sendable, Hashable, Codable {
        public var name: String
        /// The SQL type text, e.g. `decimal(14,2)`.
        public var sqlType: String
        /// The BigQuery type name, e.g. `NUMERIC`.
        public var bigQueryType: String
        public var nullable: Bool
    }

    /// The data columns in staged order (the row version is not one of them).
    public var columns: [Column]
    public var keyColumns: [String]
    public var businessDateColumn: String?
    public var amountColumns: [String]
    /// `rowversion` when rows carry the SQL TimeStamp as `_version`, else `contentHash` (`h:` versions).
    public var versionKind: String
}

extension CatalogEntry {
    /// `rowversion` or `contentHash`: how a staged row's `_version` is made.
    public var versionKind: String { rowVersionColumn == nil ? "contentHash" : "rowversion" }

    /// The fields of this entry's staged schema.
    ///
    /// Call it on the entry a source resolved (``SourceReader/resolve(_:company:)``), not on the catalog's:
    /// resolution drops the row version when the server does not expose it, which changes ``versionKind``.
    public func streamSchemaFields() -> StreamSchemaFields {
        StreamSchemaFields(
            columns: dataColumns.map {
                StreamSchemaFields.Column(
                    name: $0.name,
                    sqlType: $0.sqlType.description,
                    bigQueryType: ($0.bigQueryType ?? .string).rawValue,
                    nullable: $0.nullable
                )
            },
            keyColumns: keyColumns,
            businessDateColumn: businessDateColumn,
            amountColumns: amountColumns,
            versionKind: versionKind
        )
    }
}
