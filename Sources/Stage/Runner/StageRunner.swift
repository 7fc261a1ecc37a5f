public import Common
public import Extract
import Foundation
public import Logging
public import SegmentLog

/// Runs an extract of one stream (company, SYSPRO table) into the staging log.
///
/// The order of operations is what makes a crash at any instant safe:
/// 1. the writer lock is taken and recovery quarantines unsealed leftovers;
/// 2. rows are read page by page; a row is staged only when its version is new for its key;
/// 3. segments are sealed at page boundaries, so a sealed segment never holds half a page;
/// 4. only after a seal do the version index and then the watermark (`stage-state.json`) move.
/// A crash between 3 and 4 re-reads rows that are already sealed; the index skips them.
///
/// Tombstones are written only after a complete read of the whole table (snapshot or sweep), never after
/// an interrupted one, so an early stop can never delete rows in BigQuery.
///
/// This class is not thread-safe: run one stream per runner at a time.
public final class StageRunner {
    /// What to read.
    public enum Mode: Sendable, Hashable {
        /// Continue from the watermark with the entry's change strategy (sweeping when due).
        case incremental
        /// Read the business-date range `from…through` without moving the watermark.
        case backfill(from: String, through: String)
    }

    private let log: StagingLog
    private let source: any SourceReader
    private let options: StageOptions
    private let clock: any WallClock
    private let logger: Logger
    private let isCancelled: @Sendable () -> Bool
    /// Called after each page with the counts so far (for the terminal progress line).
    private let onPage: (StageResult) -> Void

    /// - Parameters:
    ///   - isCancelled: polled between pages; when it returns true the run seals what it has and stops.
    public init(
        log: StagingLog,
        source: any SourceReader,
        options: StageOptions = StageOptions(),
        clock: any WallClock = SystemClock(),
        logger: Logger,
        isCancelled: @escaping @Sendable () -> Bool = { false },
        onPage: @escaping (StageResult) -> Void = { _ in }
    ) {
        self.log = log
        self.source = source
        self.options = options
        self.clock = clock
        self.logger = logger
        self.isCancelled = isCancelled
        self.onPage = onPage
    }

    /// Extracts one stream.
    ///
    /// - Parameters:
    ///   - entry: the catalog entry for the table.
    ///   - company: the SYSPRO company id.
    ///   - runID: the extract run, recorded in every row and manifest.
    /// - Throws: `SysproBQError` from the source (classified retryable / terminal / needs-human), the log,
    ///   or `.locked` when another extract holds the stream.
    public func run(
        entry: CatalogEntry,
        company: String,
        runID: String,
        mode: Mode = .incremental
    ) throws
        -> StageResult
    {
        let started = clock.now()
        let resolution = try source.resolve(entry, company: company)
        let resolved = resolution.entry
        let stream = try StreamID(company: company, table: resolved.table)
        let schema = try Self.streamSchema(resolved)
        let writerOptions = WriterOptions(
            blockSize: options.blockSize,
            compressionLevel: options.gzipLevel,
            compressInBackground: options.compressInBackground
        )
        let writer = try log.openWriter(stream: stream, schema: schema, runID: runID, options: writerOptions)
        do {
            var result = try runLocked(
                writer: writer,
                entry: resolved,
                strategy: resolution.strategy,
                stream: stream,
                runID: runID,
                mode: mode,
                started: started
            )
            try writer.close()
            result.elapsedSeconds = clock.now().timeIntervalSince(started)
            return result
        } catch {
            try? writer.close()
            recordFailure(stream: stream, strategy: resolution.strategy.kind, error: error)
            throw error
        }
    }

    /// SegmentLog's schema for a resolved catalog entry (decision 10: the log describes itself).
    public static func streamSchema(_ entry: CatalogEntry) throws -> StreamSchema {
        let fields = entry.streamSchemaFields()
        return try StreamSchema(
            columns: try fields.columns.map { column in
                guard let type = ColumnSchema.BigQueryType(rawValue: column.bigQueryType) else {
                    throw SysproBQError(
                        .invalidData,
                        "Column \(column.name) of \(entry.table) maps to unknown BigQuery type \(column.bigQueryType)",
                        disposition: .terminal
                    )
                }
                return ColumnSchema(
                    name: column.name,
                    sqlType: column.sqlType,
                    bigQueryType: type,
                    nullable: column.nullable
                )
            },
            keyColumns: fields.keyColumns,
            businessDateColumn: fields.businessDateColumn,
            amountColumns: fields.amountColumns,
            versionKind: fields.versionKind == "rowversion" ? .rowversion : .contentHash
        )
    }

    // MARK: - One locked run

    private func runLocked(
        writer: SegmentWriter,
        entry: CatalogEntry,
        strategy: ChangeStrategy,
        stream: StreamID,
        runID: String,
        mode: Mode,
        started: Date
    ) throws -> StageResult {
        var state = try loadState(stream) ?? StreamState(strategy: strategy.kind)
        if state.strategy != strategy.kind {
            logger.notice(
                "Change strategy changed; reading the whole table",
                metadata: [
                    "stream": "\(stream)", "strategy.old": "\(state.strategy)", "strategy.new": "\(strategy.kind)",
                ]
            )
            state = StreamState(strategy: strategy.kind)
        }
        let manifests = writer.sealedAtOpen
        let plan = Plan(strategy: strategy, state: state, mode: mode, options: options)
        let store = StreamIndexStore(log: log, stream: stream, keyColumns: entry.keyColumns, logger: logger)

        var index: VersionIndex
        // The re-read overlap of a rowversion window, when it is folded only once a row of it comes back.
        var deferredOverlap: DeferredOverlap?
        switch plan.indexScope {
        case .all:
            index = try store.loadAll(manifests: manifests)
        case .recentSegments(let count):
            let window = Array(manifests.suffix(count))
            if let overlap = DeferredOverlap(window: window, reading: plan.window) {
                index = VersionIndex()
                deferredOverlap = overlap
            } else {
                index = try store.loadWindow(window)
            }
        case .businessDatesFrom(let from):
            index = try store.loadWindow(manifests.filter { ($0.businessDates?.max ?? "") >= from })
        }

        var result = StageResult(company: stream.company, table: stream.table, mode: plan.modeName)
        result.cursorBefore = state.cursor
        var builder = StagedLineBuilder(
            company: stream.company,
            table: stream.table,
            runID: runID,
            extractedAt: Self.timestamp(started)
        )
        func emptyTotals() -> SegmentTotals {
            SegmentTotals(table: entry.table, amountColumns: entry.amountColumns, keyColumns: entry.keyColumns)
        }
        var totals = emptyTotals()
        var seen = Set<VersionIndex.Digest>()
        var cursorSeen = state.cursor
        var lastSealed = manifests.last?.sequence ?? 0
        let sourceQuery = "\(entry.table) \(plan.windowDescription)"
        let keepsAllKeys = plan.indexScope == .all
        // A windowed index is only read during the run; when it is empty (a first run, or no recent segments)
        // every row is new and the two digests per row are not needed.
        var needsDigests = keepsAllKeys || index.count > 0
        var digester = VersionIndex.Digester()

        // The sealing segment's metadata, from its totals; kept until the seal succeeds, so a retried seal (after a
        // failed one) seals exactly what the first attempt would have.
        var pendingSeal: SealMetadata?
        /// Seals the open segment; then saves the index and, with `savingState`, the moved cursor (the pass's
        /// last seal leaves the state to the pass's end, which saves it once).
        func seal(savingState: Bool = true) throws {
            guard pendingSeal != nil || totals.rows > 0 else { return }
            FreedMemory.release()  // before the manifest's transient megabytes (GL groups), not on top of garbage
            // The totals are rendered while the segment's fsync runs (SegmentWriter.seal(computing:)).
            let sealed = try writer.seal {
                if pendingSeal == nil {
                    pendingSeal = try totals.sealMetadata(sourceQuery: sourceQuery)
                    // The accumulator's GL groups go before the manifest is encoded, not after (~3 MB at seal time).
                    totals = emptyTotals()
                }
                return pendingSeal!
            }
            pendingSeal = nil
            if let manifest = sealed {
                lastSealed = manifest.sequence
                result.segmentsSealed += 1
                if keepsAllKeys { try store.save(index, coversSequence: lastSealed) }
                if savingState, plan.movesCursor, let cursorSeen {
                    state.cursor = cursorSeen
                    state.lastRunID = runID
                    try saveState(state, stream: stream)
                }
            }
        }

        let query = ExtractQuery(company: stream.company, entry: entry, window: plan.window)
        let summary: Result<ReadSummary, any Error>
        do {
            // Stages one row, read where it lies in its page (no copy of the row's buffers).
            func stageRow(_ pointer: UnsafePointer<SourceRow>) throws {
                let row = RowInPlace(pointer)
                result.rowsRead += 1
                // Tested in place (optional chaining): binding the overlap would copy it, retaining its window and
                // horizon, on every row of the run.
                if deferredOverlap?.isAbove(row.rowVersion) == false, let overlap = deferredOverlap {
                    // The source sent a row at or below what the overlap's segments hold: fold them now.
                    logger.notice(
                        "A row at or below the sealed rowversions came back; reading the overlap segments",
                        metadata: ["stream": "\(stream)", "row.version": "\(row.rowVersion ?? "none")"]
                    )
                    index = try store.loadWindow(overlap.window)
                    deferredOverlap = nil
                    needsDigests = index.count > 0
                }
                let version = row.rowVersion ?? StagedLineBuilder.contentVersion(columnsJSON: row.columnsJSON)
                let cursor = plan.cursor(of: row)
                if let cursor, cursorSeen.map({ cursor > $0 }) ?? true { cursorSeen = cursor }
                var key = VersionIndex.Digest(high: 0, low: 0)
                var versionDigest = key
                if needsDigests {
                    key = digester.key(row.keyValues)
                    if keepsAllKeys { seen.insert(key) }
                    versionDigest = digester.version(version)
                    guard index.isNew(key: key, version: versionDigest) else {
                        result.rowsUnchanged += 1
                        return
                    }
                }
                try builder.withLine(keyValues: row.keyValues, version: version, columnsJSON: row.columnsJSON) {
                    try writer.append(line: $0)
                }
                try totals.add(rowAt: pointer, cursor: cursor)
                // Only an index over every key is kept current during the read: a windowed index (append-mostly
                // tables) guards the re-read overlap only, and recording every row would grow with the table.
                if keepsAllKeys {
                    index.record(
                        key: key,
                        keyText: row.keyValues.joined(separator: "\u{0}"),
                        version: versionDigest,
                        deleted: false
                    )
                }
                result.rowsStaged += 1
            }
            // Stages one page; runs on this thread while the next page is read (``PageHandoff``).
            func stagePage(_ rows: [SourceRow], _: PageInfo) throws {
                result.pages += 1
                try rows.withUnsafeBufferPointer { page in
                    guard let first = page.baseAddress else { return }
                    for position in page.indices { try stageRow(first + position) }
                }
                if totals.rows >= Int64(self.options.segmentMaxRows)
                    || writer.uncompressedBytesInCurrentSegment >= Int64(self.options.segmentMaxBytes)
                {
                    try seal()
                }
                result.highestCursorRead = cursorSeen
                self.onPage(result)
                if self.isCancelled() {
                    throw StageInterruption()
                }
            }
            if options.prefetchPages {
                summary = .success(try PageHandoff.read(source, query, stagePage: stagePage))
            } else {
                summary = .success(try source.read(query, onPage: stagePage))
            }
        } catch {
            summary = .failure(error)
        }

        switch summary {
        case .failure(is StageInterruption):
            try seal()
            result.interrupted = true
            logger.notice("Extract interrupted; sealed data is intact", metadata: ["stream": "\(stream)"])
        case .failure(let error):
            // Rows of complete pages already appended are sealed: they are real versions, and the watermark
            // only covers what is sealed, so the next run continues from there.
            try? seal()
            throw error
        case .success(let readSummary):
            result.retries = readSummary.retries
            result.faults = readSummary.faults
            if plan.detectsDeletes {
                for (_, entryValue) in index.liveKeys(notIn: seen) {
                    let keys = entryValue.keyValues
                    let version = StagedLineBuilder.tombstoneVersion(previous: entryValue.version)
                    let line = builder.tombstone(keyColumns: entry.keyColumns, keyValues: keys, version: version)
                    try writer.append(line: line)
                    totals.addTombstone()
                    index.record(keyValues: keys, version: version, deleted: true)
                    result.tombstones += 1
                }
            }
            try seal(savingState: false)  // the state, with its cursor, is saved once below
            if plan.movesCursor { state.cursor = cursorSeen }
            state.runs += 1
            state.lastSuccessAt = clock.now()
            state.lastError = nil
            state.lastRunID = runID
            try saveState(state, stream: stream)
        }
        result.cursorAfter = state.cursor
        _ = lastSealed
        return result
    }

    // MARK: - State file

    private func statePath(_ stream: StreamID) -> String {
        log.streamDirectory(stream) + "/" + StreamState.fileName
    }

    /// The stream's watermark, or nil before its first run.
    public func loadState(_ stream: StreamID) throws -> StreamState? {
        let path = statePath(stream)
        guard FileSystem.exists(path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(StreamState.self, from: Data(try FileSystem.readFile(path)))
        } catch let error as SysproBQError {
            throw error
        } catch {
            throw SysproBQError(
                .corruption,
                "The watermark file \(path) cannot be read: \(error)",
                remedy: "Delete it to re-read the table from the start; staged rows are deduplicated by version.",
                disposition: .needsHuman
            )
        }
    }

    private func saveState(_ state: StreamState, stream: StreamID) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        var bytes = Array(try encoder.encode(state))
        bytes.append(0x0A)
        try FileSystem.writeAtomically(bytes, to: statePath(stream))
    }

    private func recordFailure(stream: StreamID, strategy: String, error: any Error) {
        guard var state = (try? loadState(stream)) ?? StreamState(strategy: strategy) as StreamState? else { return }
        state.lastAttemptAt = clock.now()
        state.lastError = (error as? SysproBQError)?.description ?? "\(error)"
        try? saveState(state, stream: stream)
    }

    static func timestamp(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = microseconds / 1_000_000
        let fraction = microseconds % 1_000_000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: Double(seconds))
        )
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
            parts.year!,
            parts.month!,
            parts.day!,
            parts.hour!,
            parts.minute!,
            parts.second!,
            Int(fraction)
        )
    }
}

/// Thrown inside the page callback to stop a read when the run is cancelled.
struct StageInterruption: Error {}

/// The re-read overlap of a rowversion table's incremental extract, left unread while no row can match it.
///
/// The overlap (the stream's last segments) keeps rows that a run re-reads out of the log: after a crash between
/// a seal and the watermark's save, the next run asks again for rows already sealed. Folding it reads and
/// decompresses those segments (200,000 GenTransaction rows: ~1 s and ~40 MB on every scheduled run). But the
/// index only ever answers "unchanged" for a row whose version equals a sealed one, and every sealed version is
/// at most the highest cursor the overlap's manifests record (its horizon). When the run reads rows above a
/// cursor at or past that horizon, no row can match until one arrives at or below it, which a source honouring
/// the window never sends; such a row folds the overlap first, so the result is the same as folding it up front.
struct DeferredOverlap {
    let window: [Manifest]
    /// The highest rowversion the window's segments hold.
    let horizon: String

    /// The deferred overlap of `window`, or `nil` when it must be read up front: the run reads from the start (a
    /// lost or new watermark) or below the horizon, or a segment records no cursor range.
    init?(window: [Manifest], reading: ExtractQuery.Window) {
        guard !window.isEmpty, case .rowVersion(let after?) = reading else { return nil }
        var horizon = ""
        for manifest in window {
            guard let to = manifest.cursor.to else { return nil }
            if to > horizon { horizon = to }
        }
        guard after >= horizon else { return nil }
        self.window = window
        self.horizon = horizon
    }

    /// Whether a row of this version cannot match the overlap (a row without a rowversion always may).
    func isAbove(_ version: String?) -> Bool {
        guard let version else { return false }
        return version > horizon
    }
}
