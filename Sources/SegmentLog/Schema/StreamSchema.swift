internal import Common

/// What the rows of a stream mean (design decision 10; docs/staging-format.md §5).
///
/// Stored once per stream as `schema-<fingerprint>.json`; every manifest names the fingerprint of the
/// schema its rows were written with. A schema change gives a new fingerprint, never a rewrite.
/// This type is a value type and is `Sendable`.
public struct StreamSchema: Codable, Sendable, Hashable {
    /// How a row's `_version` is derived.
    public enum VersionKind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The SQL `TimeStamp` rowversion column, as `0x` + 16 upper-case hex digits.
        case rowversion
        /// `h:` + a content hash of the row's source columns.
        case contentHash
    }

    /// The columns, in the order Stage writes them.
    public let columns: [ColumnSchema]
    /// The key columns, in key order; each names a column.
    public let keyColumns: [String]
    /// The column holding the row's business date (`YYYY-MM-DD`), if the table has one.
    public let businessDateColumn: String?
    /// The columns whose exact sums are the segment's control totals.
    public let amountColumns: [String]
    /// How the row version is derived.
    public let versionKind: VersionKind

    /// Creates a schema after checking that every referenced column exists.
    ///
    /// - Throws: `SysproBQError` `.invalidData` naming the unknown or duplicate column.
    public init(
        columns: [ColumnSchema],
        keyColumns: [String],
        businessDateColumn: String?,
        amountColumns: [String],
        versionKind: VersionKind
    ) throws {
        self.columns = columns
        self.keyColumns = keyColumns
        self.businessDateColumn = businessDateColumn
        self.amountColumns = amountColumns
        self.versionKind = versionKind
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        columns = try container.decode([ColumnSchema].self, forKey: .columns)
        keyColumns = try container.decode([String].self, forKey: .keyColumns)
        businessDateColumn = try container.decodeIfPresent(String.self, forKey: .businessDateColumn)
        amountColumns = try container.decode([String].self, forKey: .amountColumns)
        versionKind = try container.decode(VersionKind.self, forKey: .versionKind)
        try validate()
    }

    /// The canonical JSON value of §5.
    public var canonicalJSON: CanonicalJSON {
        .object([
            "amountColumns": .array(amountColumns.map { .string($0) }),
            "businessDateColumn": businessDateColumn.map { .string($0) } ?? .null,
            "columns": .array(columns.map(\.canonicalJSON)),
            "keyColumns": .array(keyColumns.map { .string($0) }),
            "versionKind": .string(versionKind.rawValue),
        ])
    }

    /// The canonical encoding, without a trailing newline.
    public var canonicalBytes: [UInt8] { canonicalJSON.encoded() }

    /// SHA-256 hex of ``canonicalBytes``.
    public var fingerprint: String { Hashing.sha256Hex(canonicalBytes) }

    /// Rebuilds a schema from its canonical JSON value.
    ///
    /// - Throws: `SysproBQError` `.corruption` naming the missing or mistyped field.
    init(canonical value: CanonicalJSON, file: String) throws {
        func fail(_ field: String) -> SysproBQError {
            SysproBQError(
                .corruption,
                "Schema file \(file) has a missing or invalid field '\(field)'",
                remedy: "Restore the schema file from a backup or the archive.",
                disposition: .needsHuman
            )
        }
        guard let columnValues = value["columns"]?.arrayValue else { throw fail("columns") }
        var columns: [ColumnSchema] = []
        for column in columnValues {
            guard let name = column["name"]?.stringValue, let sqlType = column["sqlType"]?.stringValue,
                let typeText = column["bigQueryType"]?.stringValue,
                let bigQueryType = ColumnSchema.BigQueryType(rawValue: typeText),
                let nullable = column["nullable"]?.boolValue
            else { throw fail("columns") }
            columns.append(ColumnSchema(name: name, sqlType: sqlType, bigQueryType: bigQueryType, nullable: nullable))
        }
        guard let keys = value["keyColumns"]?.arrayValue?.compactMap(\.stringValue) else { throw fail("keyColumns") }
        guard let amounts = value["amountColumns"]?.arrayValue?.compactMap(\.stringValue) else {
            throw fail("amountColumns")
        }
        guard let dateValue = value["businessDateColumn"], dateValue.isNull || dateValue.stringValue != nil else {
            throw fail("businessDateColumn")
        }
        guard let kindText = value["versionKind"]?.stringValue, let kind = VersionKind(rawValue: kindText) else {
            throw fail("versionKind")
        }
        try self.init(
            columns: columns,
            keyColumns: keys,
            businessDateColumn: dateValue.stringValue,
            amountColumns: amounts,
            versionKind: kind
        )
    }

    private func validate() throws {
        var names = Set<String>()
        for column in columns where !names.insert(column.name).inserted {
            throw Self.invalid("column \(String(reflecting: column.name)) appears twice")
        }
        for key in keyColumns where !names.contains(key) {
            throw Self.invalid("key column \(String(reflecting: key)) is not a column")
        }
        for amount in amountColumns where !names.contains(amount) {
            throw Self.invalid("amount column \(String(reflecting: amount)) is not a column")
        }
        if let businessDateColumn, !names.contains(businessDateColumn) {
            throw Self.invalid("business-date column \(String(reflecting: businessDateColumn)) is not a column")
        }
        if keyColumns.isEmpty { throw Self.invalid("it has no key columns") }
    }

    private static func invalid(_ what: String) -> SysproBQError {
        SysproBQError(.invalidData, "The stream schema is invalid: \(what)", disposition: .terminal)
    }
}

/// One column of a ``StreamSchema``. This type is a value type and is `Sendable`.
public struct ColumnSchema: Codable, Sendable, Hashable {
    /// The BigQuery column types a staged column can have.
    public enum BigQueryType: String, Codable, Sendable, Hashable, CaseIterable {
        case numeric = "NUMERIC"
        case bigNumeric = "BIGNUMERIC"
        case string = "STRING"
        case date = "DATE"
        case dateTime = "DATETIME"
        case int64 = "INT64"
        case bool = "BOOL"
        case bytes = "BYTES"
    }

    /// The SYSPRO column name, byte for byte.
    public let name: String
    /// The SQL Server type, e.g. `decimal(14,2)`, `varchar(15)`, `datetime`.
    public let sqlType: String
    /// The BigQuery type the column lands as.
    public let bigQueryType: BigQueryType
    /// Whether the column may be SQL NULL.
    public let nullable: Bool

    public init(name: String, sqlType: String, bigQueryType: BigQueryType, nullable: Bool) {
        self.name = name
        self.sqlType = sqlType
        self.bigQueryType = bigQueryType
        self.nullable = nullable
    }

    var canonicalJSON: CanonicalJSON {
        .object([
            "bigQueryType": .string(bigQueryType.rawValue),
            "name": .string(name),
            "nullable": .bool(nullable),
            "sqlType": .string(sqlType),
        ])
    }
}
