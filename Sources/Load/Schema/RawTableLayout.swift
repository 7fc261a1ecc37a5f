public import Common

/// The layout of one raw, append-only table: lineage columns, the stream's source columns, partitioning and
/// clustering. Built from the stream's staged schema only (design brief, decision 10).
///
/// Companies share one table per SYSPRO table and are told apart by `_company` (companies as rows).
///
/// This type is a value type and is `Sendable`.
public struct RawTableLayout: Sendable, Hashable {
    /// A source column as the staging log describes it.
    public struct SourceColumn: Sendable, Hashable {
        public let name: String
        /// The BigQuery type chosen when the rows were staged (`NUMERIC`, `BIGNUMERIC`, `DATE`, `DATETIME`, …).
        public let bigQueryType: String

        public init(name: String, bigQueryType: String) {
            self.name = name
            self.bigQueryType = bigQueryType
        }
    }

    /// The lineage columns every staged row carries, in the staged row contract's order. All are always present,
    /// tombstones included, so they are REQUIRED.
    public static let lineageFields: [TableField] = [
        TableField(name: "_segment", type: "INT64", mode: .required),
        TableField(name: "_line", type: "INT64", mode: .required),
        TableField(name: "_insert_id", type: "STRING", mode: .required),
        TableField(name: "_company", type: "STRING", mode: .required),
        TableField(name: "_table", type: "STRING", mode: .required),
        TableField(name: "_version", type: "STRING", mode: .required),
        TableField(name: "_deleted", type: "BOOL", mode: .required),
        TableField(name: "_extracted_at", type: "TIMESTAMP", mode: .required),
        TableField(name: "_run_id", type: "STRING", mode: .required),
    ]

    /// Types BigQuery accepts as clustering columns (https://cloud.google.com/bigquery/docs/creating-clustered-tables).
    static let clusterableTypes: Set<String> = [
        "STRING", "INT64", "NUMERIC", "BIGNUMERIC", "DATE", "DATETIME", "TIMESTAMP", "BOOL", "GEOGRAPHY",
    ]

    /// The BigQuery table id.
    public let tableID: String
    /// The SYSPRO table the rows come from.
    public let sourceTable: String
    public let sourceColumns: [SourceColumn]
    public let keyColumns: [String]
    public let businessDateColumn: String?
    public let partitioning: TableOptions.Partitioning

    public init(
        tableID: String,
        sourceTable: String,
        sourceColumns: [SourceColumn],
        keyColumns: [String],
        businessDateColumn: String?,
        partitioning: TableOptions.Partitioning
    ) {
        self.tableID = tableID
        self.sourceTable = sourceTable
        self.sourceColumns = sourceColumns
        self.keyColumns = keyColumns
        self.businessDateColumn = businessDateColumn
        self.partitioning = partitioning
    }

    /// Every field: lineage first, then the source columns (NULLABLE, since tombstones carry keys only).
    public var fields: [TableField] {
        Self.lineageFields + sourceColumns.map { TableField(name: $0.name, type: $0.bigQueryType, mode: .nullable) }
    }

    /// `_company` and then key columns, at most four in all, skipping types BigQuery cannot cluster on.
    public var clusteringFields: [String] {
        var result = ["_company"]
        let types = Dictionary(sourceColumns.map { ($0.name, TableField.canonicalType($0.bigQueryType)) }) { a, _ in a }
        for key in keyColumns where result.count < BigQueryLimits.maxClusteringColumns {
            if let type = types[key], Self.clusterableTypes.contains(type) { result.append(key) }
        }
        return result
    }

    /// The `timePartitioning` object, or `nil` for an unpartitioned table.
    /// - Throws: a configuration error when business-date partitioning is asked for but the stream has no
    ///   DATE/DATETIME/TIMESTAMP business-date column.
    public func timePartitioning() throws(SysproBQError) -> JSONValue? {
        switch partitioning {
        case .none:
            return nil
        case .ingestionTime(let granularity):
            return ["type": .string(granularity.rawValue)]
        case .businessDate(let granularity):
            guard let column = businessDateColumn,
                let source = sourceColumns.first(where: { $0.name == column }),
                ["DATE", "DATETIME", "TIMESTAMP"].contains(TableField.canonicalType(source.bigQueryType))
            else {
                throw SysproBQError(
                    .configuration,
                    "table \(tableID): partitioning by business date needs a DATE, DATETIME or TIMESTAMP "
                        + "business-date column, and the stream has \(businessDateColumn ?? "none")",
                    remedy: "partition \(sourceTable) by ingestion time instead",
                    disposition: .terminal
                )
            }
            return ["type": .string(granularity.rawValue), "field": .string(column)]
        }
    }
}
