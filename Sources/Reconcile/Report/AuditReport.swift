public import SegmentLog

/// What the audit report shows: per table and extraction day, rows extracted, loaded and present in BigQuery;
/// the reconciliation; the evidence chain; quarantined rows.
///
/// Collected from the staging log alone (manifests, load journals, ``LogVerifier``), plus an optional
/// ``ReconcileReport`` for the BigQuery side. Value type, `Sendable`.
public struct AuditReport: Sendable, Hashable {
    /// One table's rows on one day (the UTC day the segments were sealed).
    public struct Day: Sendable, Hashable {
        public var company: String
        public var table: String
        public var day: String
        public var segments: Int
        public var extracted: Int64
        /// Rows the load journal records as delivered.
        public var loaded: Int64
        /// Distinct staged lines in the raw table; `nil` when BigQuery was not queried.
        public var inBigQuery: Int64?
    }

    /// One quarantined row, from a load journal.
    public struct Quarantined: Sendable, Hashable {
        public var stream: String
        public var segment: UInt64
        public var row: Int64
        public var reason: String
    }

    public var generatedAt: String
    public var days: [Day]
    public var quarantined: [Quarantined]
    public var reconciliation: ReconcileReport?
    public var evidenceClean: Bool
    public var evidenceSegments: Int
    public var evidenceFindings: [String]

    /// Reads the staging log and assembles the report.
    /// - Parameters:
    ///   - log: the staging log.
    ///   - reconciliation: a reconciliation run just before, or `nil` to report the staging side only.
    ///   - generatedAt: the report's timestamp text.
    public static func collect(
        log: StagingLog,
        reconciliation: ReconcileReport?,
        generatedAt: String
    ) throws
        -> AuditReport
    {
        var days: [String: Day] = [:]
        var quarantined: [Quarantined] = []
        for stream in try log.streams() {
            let journal = try LoadJournal(log: log, stream: stream).records()
            var loadedRows: [UInt64: Int64] = [:]
            for record in journal {
                switch record {
                case .segmentLoaded(let seq, let rows, _, _, _): loadedRows[seq] = rows
                case .quarantine(let seq, let row, let reason):
                    quarantined.append(.init(stream: "\(stream)", segment: seq, row: row, reason: reason))
                default: break
                }
            }
            let present = reconciliation?.bigQueryRows["\(stream)"]
            for manifest in try log.manifests(of: stream) {
                let day = String(manifest.createdAt.prefix(10))
                let id = "\(stream)|\(day)"
                var entry =
                    days[id]
                    ?? Day(
                        company: stream.company,
                        table: stream.table,
                        day: day,
                        segments: 0,
                        extracted: 0,
                        loaded: 0,
                        inBigQuery: present == nil ? nil : 0
                    )
                entry.segments += 1
                entry.extracted += manifest.rowCount
                entry.loaded += loadedRows[manifest.sequence] ?? 0
                if let present { entry.inBigQuery = (entry.inBigQuery ?? 0) + (present[manifest.sequence] ?? 0) }
                days[id] = entry
            }
        }
        let verification = try LogVerifier(log: log).verifyAll()
        return AuditReport(
            generatedAt: generatedAt,
            days: days.values.sorted { ($0.table, $0.company, $0.day) < ($1.table, $1.company, $1.day) },
            quarantined: quarantined,
            reconciliation: reconciliation,
            evidenceClean: verification.isClean,
            evidenceSegments: verification.streams.reduce(0) { $0 + $1.segmentsChecked },
            evidenceFindings: verification.findings.map(\.description)
        )
    }
}
