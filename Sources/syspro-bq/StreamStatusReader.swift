import Common
import Foundation
import Logging
import Operator
import SegmentLog
import Stage

/// Reads one stream's status from the staging directory alone: the watermark (`stage-state.json`), the sealed
/// manifests, the load journal, the first pending row, and the run-state files. Used by `status` and, at the
/// end of each pass, for the lag in the summary and the Prometheus textfile.
///
/// Reads only: takes no lock. Not thread-safe (one reader per thread); the log it reads is.
struct StreamStatusReader {
    let log: StagingLog
    let extractState: RunState?
    let loadState: RunState?
    let now: Date

    /// A damaged run-state file is read as absent: it is history for `status`, not evidence, and the next pass
    /// of that side rewrites it.
    init(log: StagingLog, now: Date = Date()) {
        self.log = log
        self.now = now
        extractState = (try? RunState.read(side: .extract, directory: log.root)) ?? nil
        loadState = (try? RunState.read(side: .load, directory: log.root)) ?? nil
    }

    /// Every stream on disk, and every stream a run-state file names (a table whose first extract failed has no
    /// directory yet, but has an error to show), sorted by company then table.
    func all() throws(SysproBQError) -> [StatusReport.Stream] {
        do throws(any Error) {
            var streams = Set(try log.streams())
            for state in [extractState, loadState] {
                for entry in state?.streams ?? [] {
                    if let stream = try? StreamID(company: entry.company, table: entry.table) { streams.insert(stream) }
                }
            }
            return try streams.sorted().map { try status(of: $0) }
        } catch {
            throw Pipeline.classify(error, doing: "reading the staging streams")
        }
    }

    /// One stream's status.
    ///
    /// - Throws: `.corruption` when a manifest, the journal or the watermark file is damaged.
    func status(of stream: StreamID) throws -> StatusReport.Stream {
        var line = StatusReport.Stream(company: stream.company, table: stream.table)
        let onDisk = FileSystem.isDirectory(log.streamDirectory(stream))
        let manifests = onDisk ? try log.manifests(of: stream, groupTotals: false) : []
        line.lastSealedSegment = manifests.last.map { Int($0.sequence) }
        let stage = onDisk ? try stageState(stream) : nil
        line.watermark = stage?.cursor

        let extract = extractState?.stream(company: stream.company, table: stream.table)
        Self.setLastExtract(of: &line, extract: extract, stage: stage, now: now)

        line.lastError = lastError(stream, extract: extract)
        guard onDisk else { return line }
        let contents = try LoadJournal(log: log, stream: stream).contents()
        line.lastLoadAt =
            contents.entries.last { entry in
                switch entry.record {
                case .ack, .segmentLoaded: return true
                default: return false
                }
            }?.at
        let journal = contents.state
        var oldest: (manifest: Manifest, row: Int64)?
        for manifest in manifests where !journal.isLoaded(manifest.sequence) {
            let pending = Self.pendingRows(manifest, journal)
            guard pending.count > 0 else { continue }
            line.segmentsPending += 1
            line.rowsPending += pending.count
            if oldest == nil { oldest = (manifest, pending.first) }
        }
        if let oldest {
            line.oldestPendingExtractedAt = extractedAt(oldest.manifest, row: oldest.row) ?? oldest.manifest.createdAt
            line.loadLagSeconds = line.oldestPendingExtractedAt.flatMap(Timestamp.parse).map {
                max(0, now.timeIntervalSince($0))
            }
        } else {
            line.loadLagSeconds = 0
        }
        return line
    }

    /// The time since the stream's last successful extract, from the run-state file and the watermark alone (the
    /// extract side of ``status(of:)``): what an extract pass reports as its lag, without reading manifests or
    /// the load journal.
    ///
    /// - Throws: `.corruption` when the watermark file is damaged.
    func extractAgeSeconds(of stream: StreamID) throws -> Double? {
        var line = StatusReport.Stream(company: stream.company, table: stream.table)
        let extract = extractState?.stream(company: stream.company, table: stream.table)
        // The watermark file is read only for a stream extracted before run-state files existed.
        let stage =
            extract?.lastSuccess == nil && FileSystem.isDirectory(log.streamDirectory(stream))
            ? try stageState(stream) : nil
        Self.setLastExtract(of: &line, extract: extract, stage: stage, now: now)
        return line.extractAgeSeconds
    }

    /// Fills the stream's last successful extract and its age.
    private static func setLastExtract(
        of line: inout StatusReport.Stream,
        extract: RunState.Stream?,
        stage: StreamState?,
        now: Date
    ) {
        if let success = extract?.lastSuccess {
            line.lastExtractAt = success.at
            line.lastExtractRunID = success.runID
            line.lastExtractRows = success.rows
            line.lastExtractTombstones = success.tombstones
        } else if let at = stage?.lastSuccessAt {
            // Extracted before run-state files existed: the watermark file still knows when and by which run.
            line.lastExtractAt = Timestamp.rfc3339(at)
            line.lastExtractRunID = stage?.lastRunID
        }
        line.extractAgeSeconds = line.lastExtractAt.flatMap(Timestamp.parse).map { now.timeIntervalSince($0) }
    }

    /// The newer of the stream's last extract and last load failure, each only while no success followed it.
    private func lastError(_ stream: StreamID, extract: RunState.Stream?) -> StatusReport.StreamError? {
        let load = loadState?.stream(company: stream.company, table: stream.table)
        var candidates: [StatusReport.StreamError] = []
        for (stage, entry) in [("extract", extract), ("load", load)] {
            guard let failure = entry?.lastFailure else { continue }
            if let success = entry?.lastSuccess, success.at > failure.at { continue }
            candidates.append(
                StatusReport.StreamError(
                    stage: stage,
                    at: failure.at,
                    runID: failure.runID,
                    code: failure.code,
                    message: failure.message
                )
            )
        }
        return candidates.max { $0.at < $1.at }
    }

    /// How many rows of `manifest` are neither acknowledged nor quarantined in its current delivery, and the
    /// first of them. Works on the journal's merged ranges, never on a set per row (segments hold 100,000 rows).
    static func pendingRows(_ manifest: Manifest, _ journal: JournalState) -> (count: Int64, first: Int64) {
        let acked = journal.progress(manifest.sequence).map { $0.clamped(to: 0..<manifest.rowCount) }
        let quarantined = Set(journal.quarantinedRows(manifest.sequence)).filter { row in
            (0..<manifest.rowCount).contains(row) && !acked.contains { $0.contains(row) }
        }
        let count = manifest.rowCount - acked.reduce(0) { $0 + Int64($1.count) } - Int64(quarantined.count)
        // The first row outside every acknowledged range that is not quarantined.
        var first: Int64 = 0
        var moved = true
        while moved {
            moved = false
            if let range = acked.first(where: { $0.contains(first) }) {
                first = range.upperBound
                moved = true
            }
            if quarantined.contains(first) {
                first += 1
                moved = true
            }
        }
        return (count, first)
    }

    /// The `_extracted_at` of one stored row, or nil when the segment cannot be read (verify reports why).
    private func extractedAt(_ manifest: Manifest, row: Int64) -> String? {
        var found: String?
        try? log.withReader(manifest) { reader in
            try reader.forEachRow(from: row) { line, _ in
                found = Self.field("_extracted_at", in: String(decoding: line, as: UTF8.self))
                return false
            }
        }
        return found
    }

    /// The string value of a top-level lineage field in a staged line (the row contract fixes its spelling).
    static func field(_ name: String, in line: String) -> String? {
        guard let start = line.range(of: "\"\(name)\":\"") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private func stageState(_ stream: StreamID) throws -> StreamState? {
        let path = log.streamDirectory(stream) + "/" + StreamState.fileName
        guard FileSystem.exists(path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(StreamState.self, from: Data(try FileSystem.readFile(path)))
    }
}
