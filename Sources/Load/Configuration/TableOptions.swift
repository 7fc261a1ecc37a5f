/// How one raw table is laid out and loaded.
///
/// Partitioning is decided when the table is created and cannot be changed later (BigQuery has no ALTER for it),
/// so changing it for an existing table has no effect until the table is rebuilt.
///
/// This type is a value type and is `Sendable`.
public struct TableOptions: Sendable, Hashable {
    /// How rows reach BigQuery.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// `tabledata.insertAll`, batch by batch, with per-row acknowledgements (the default; fresh within seconds).
        case streaming
        /// One load job per segment, uploaded as is, with a deterministic job id (free, atomic; for backfills).
        case loadJob
    }

    /// The partition granularity.
    public enum Granularity: String, Sendable, Hashable, CaseIterable {
        case day = "DAY"
        case month = "MONTH"
    }

    /// How the raw table is partitioned.
    public enum Partitioning: Sendable, Hashable {
        /// No partitioning.
        case none
        /// By ingestion time (`_PARTITIONTIME`).
        case ingestionTime(Granularity)
        /// By the stream's business-date column (must be DATE, DATETIME or TIMESTAMP).
        case businessDate(Granularity)
    }

    public var mode: Mode
    public var partitioning: Partitioning

    public init(mode: Mode = .streaming, partitioning: Partitioning = .ingestionTime(.day)) {
        self.mode = mode
        self.partitioning = partitioning
    }
}
