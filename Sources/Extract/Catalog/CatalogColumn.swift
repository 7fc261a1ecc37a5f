/// One column of a catalog entry: its SYSPRO name, SQL type, nullability and BigQuery type.
///
/// This type is a value type and is `Sendable`.
public struct CatalogColumn: Sendable, Hashable, Codable {
    /// The column name exactly as SYSPRO spells it (`OrigInvValue`); names are case-sensitive on the wire.
    public var name: String
    /// The SQL Server type.
    public var sqlType: SQLType
    /// Whether the column may hold SQL NULL. Key columns never do.
    public var nullable: Bool
    /// For `datetime` columns: the value carries a meaningful time of day (lands as `DATETIME`, not `DATE`).
    /// SYSPRO's own `datetime` columns hold dates only (syspro.md §3.1), so this defaults to `false`.
    public var hasTimeOfDay: Bool

    public init(name: String, sqlType: SQLType, nullable: Bool = true, hasTimeOfDay: Bool = false) {
        self.name = name
        self.sqlType = sqlType
        self.nullable = nullable
        self.hasTimeOfDay = hasTimeOfDay
    }

    /// The BigQuery type; `nil` for the `timestamp` row-version column, which is not a data column.
    public var bigQueryType: BigQueryType? {
        BigQueryType.forSQLType(sqlType, hasTimeOfDay: hasTimeOfDay)
    }

    /// Whether this is the row-version column (`timestamp`).
    public var isRowVersion: Bool { sqlType == .timestamp }

    private enum CodingKeys: String, CodingKey {
        case name, sqlType, nullable, hasTimeOfDay
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        sqlType = try container.decode(SQLType.self, forKey: .sqlType)
        nullable = try container.decodeIfPresent(Bool.self, forKey: .nullable) ?? true
        hasTimeOfDay = try container.decodeIfPresent(Bool.self, forKey: .hasTimeOfDay) ?? false
    }
}
