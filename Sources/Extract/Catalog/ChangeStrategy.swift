/// How changed rows of a table are found (design brief, decision 5).
///
/// A catalog entry lists strategies in order of preference; a source uses the first one the server supports
/// (``CatalogEntry/changeStrategies``). The JSON form is `{"kind":"rowVersion"}`,
/// `{"kind":"businessDate","column":"JnlDate","lookBackDays":62}` or `{"kind":"snapshot"}`.
///
/// This type is a value type and is `Sendable`.
public enum ChangeStrategy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The SQL `TimeStamp` rowversion as a high-water mark: `TimeStamp gt <last>`, ordered by TimeStamp.
    case rowVersion
    /// A business-date cursor re-read from `lookBackDays` before the last date seen (dates can be back-dated).
    case businessDate(column: String, lookBackDays: Int)
    /// A full read each run, diffed by content hash downstream (changed rows plus tombstones).
    case snapshot

    /// The short name used in logs, configuration and the staged schema.
    public var kind: String {
        switch self {
        case .rowVersion: return "rowVersion"
        case .businessDate: return "businessDate"
        case .snapshot: return "snapshot"
        }
    }

    public var description: String {
        switch self {
        case .businessDate(let column, let days): return "businessDate(\(column), lookBack \(days)d)"
        default: return kind
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, column, lookBackDays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "rowVersion": self = .rowVersion
        case "snapshot": self = .snapshot
        case "businessDate":
            self = .businessDate(
                column: try container.decode(String.self, forKey: .column),
                lookBackDays: try container.decodeIfPresent(Int.self, forKey: .lookBackDays) ?? 0
            )
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: container,
                debugDescription: "unknown change strategy '\(kind)' (rowVersion, businessDate, snapshot)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        if case .businessDate(let column, let days) = self {
            try container.encode(column, forKey: .column)
            try container.encode(days, forKey: .lookBackDays)
        }
    }
}

/// How the BigQuery raw table is partitioned.
///
/// This type is a value type and is `Sendable`.
public enum Partitioning: Sendable, Hashable, Codable {
    /// Time-unit column partitioning on a DATE column.
    case column(String, granularity: Granularity)
    /// Ingestion-time partitioning (masters, which have no meaningful business date).
    case ingestion(granularity: Granularity)

    public enum Granularity: String, Sendable, Hashable, Codable {
        case day = "DAY"
        case month = "MONTH"
        case year = "YEAR"
    }

    private enum CodingKeys: String, CodingKey {
        case column, granularity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let granularity = try container.decode(Granularity.self, forKey: .granularity)
        if let column = try container.decodeIfPresent(String.self, forKey: .column) {
            self = .column(column, granularity: granularity)
        } else {
            self = .ingestion(granularity: granularity)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .column(let column, let granularity):
            try container.encode(column, forKey: .column)
            try container.encode(granularity, forKey: .granularity)
        case .ingestion(let granularity):
            try container.encode(granularity, forKey: .granularity)
        }
    }
}
