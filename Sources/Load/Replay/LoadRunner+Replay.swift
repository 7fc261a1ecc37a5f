import Common
import Foundation
public import SegmentLog

extension LoadRunner {
    /// Re-sends, from disk, the rows of `stream` whose business date is in `[from, to]`.
    ///
    /// Segments are chosen by their manifests' business-date ranges; within each, only rows whose business-date
    /// column is in range are sent (the date is read from the line's bytes, nothing else is parsed). Rows carry
    /// the `_segment`, `_line`, `_version` and insertId they had, so the current-state views do not change.
    /// SYSPRO and the extract watermark are not touched.
    ///
    /// Each segment gets a `replay` journal record first (generation = earlier replays + 1); acknowledgements and
    /// quarantines are journaled as in a load. A segment that was fully loaded before is marked loaded again
    /// once its replayed rows are acknowledged. Replays always use insertAll, since a load job can only send a
    /// whole segment.
    ///
    /// - Parameters:
    ///   - stream: the stream.
    ///   - from: the first business date, `YYYY-MM-DD`.
    ///   - to: the last business date, inclusive.
    ///   - dryRun: list the segments and row counts without sending anything or writing the journal.
    public func replay(stream: StreamID, from: String, to: String, dryRun: Bool) throws -> ReplaySummary {
        _ = try BusinessDateRange(min: from, max: to)
        var summary = ReplaySummary(dryRun: dryRun)
        let manifests = try log.selectSegments(stream: stream, businessDates: (from, to))
        var filters: [UInt64: @Sendable ([UInt8]) -> Bool] = [:]
        for manifest in manifests {
            let schema = try log.schema(fingerprint: manifest.schemaFingerprint, stream: stream)
            guard let column = schema.businessDateColumn else { continue }
            let scanner = BusinessDateScanner(column: column)
            let filter: @Sendable ([UInt8]) -> Bool = { line in
                guard let date = scanner.date(in: line) else { return false }
                return from <= date && date <= to
            }
            var inRange = 0
            try log.withReader(manifest) { reader in
                try reader.forEachRow(from: 0) { buffer, _ in
                    if filter([UInt8](buffer)) { inRange += 1 }
                    return true
                }
            }
            filters[manifest.sequence] = filter
            summary.segments.append(
                .init(
                    sequence: manifest.sequence,
                    fileName: manifest.segmentFileName,
                    rowCount: manifest.rowCount,
                    rowsInRange: inRange
                )
            )
        }
        guard !dryRun, !summary.segments.isEmpty else { return summary }

        let client = try makeClient()
        let tables = TableManager(client: client)
        guard let layout = try layout(table: stream.table, streams: [stream]) else { return summary }
        try tables.ensureDataset()
        try tables.ensureRawTable(layout)

        let journal = LoadJournal(log: log, stream: stream)
        let appender = try journal.openAppender()
        var tableSummary = LoadSummary.TableSummary(table: layout.tableID, mode: .streaming)
        do {
            let records = try journal.records()
            let state = try journal.state()
            var work: [InsertAllPipeline.SegmentWork] = []
            for manifest in manifests {
                guard let filter = filters[manifest.sequence] else { continue }
                let generation = records.reduce(Int64(1)) { count, record in
                    if case .replay(let seq, _, _) = record, seq == manifest.sequence { return count + 1 }
                    return count
                }
                try appender.append(
                    .replay(seq: manifest.sequence, generation: generation, reason: "replay \(from)..\(to)")
                )
                work.append(
                    .init(
                        manifest: manifest,
                        acknowledged: [],
                        quarantined: [],
                        filter: filter,
                        markLoaded: state.isLoaded(manifest.sequence)
                    )
                )
            }
            let report = try pipeline(layout: layout, options: Options())
                .run(work, journal: journal, appender: appender)
            tableSummary.segmentsRead = report.segments
            tableSummary.add(report.totals)
            tableSummary.add(report.statistics)
        } catch {
            try? appender.close()
            throw error
        }
        try appender.close()
        tableSummary.add(client.statistics)
        summary.load = tableSummary
        return summary
    }
}
