/// How Stage cuts segments and schedules delete detection. Value type, `Sendable`.
public struct StageOptions: Sendable, Hashable {
    /// Seal the open segment once it holds this many rows (checked between pages).
    public var segmentMaxRows: Int
    /// Seal the open segment once it holds this many uncompressed bytes (checked between pages).
    public var segmentMaxBytes: Int
    /// zlib level for segment blocks; level 1 is about 3× faster than 6 here for ~35% larger files.
    public var gzipLevel: Int32
    /// Uncompressed bytes per gzip member (block) of a segment.
    public var blockSize: Int
    /// For rowversion and business-date tables: every N-th run reads the whole table, so rows that
    /// vanished (voids, purges) become tombstones. 0 turns sweeps off (append-only tables like GenTransaction).
    public var sweepEveryRuns: Int
    /// For rowversion tables: how many of the newest segments seed the version index, so rows re-read after
    /// a crash between a seal and the watermark update are recognised.
    public var rowVersionOverlapSegments: Int
    /// Read the next page on a second thread while the current one is staged (``PageHandoff``). One request
    /// per stream stays in flight; the source is used by one thread at a time.
    public var prefetchPages: Bool
    /// Compress segment blocks on a background thread while the next block fills
    /// (``WriterOptions/compressInBackground``); the segment bytes are identical either way.
    public var compressInBackground: Bool

    public init(
        segmentMaxRows: Int = 200_000,
        segmentMaxBytes: Int = 128 << 20,
        gzipLevel: Int32 = 1,
        blockSize: Int = 1 << 20,
        sweepEveryRuns: Int = 12,
        rowVersionOverlapSegments: Int = 2,
        prefetchPages: Bool = true,
        compressInBackground: Bool = true
    ) {
        precondition(segmentMaxRows > 0 && segmentMaxBytes > 0 && blockSize > 0)
        self.segmentMaxRows = segmentMaxRows
        self.segmentMaxBytes = segmentMaxBytes
        self.gzipLevel = gzipLevel
        self.blockSize = blockSize
        self.sweepEveryRuns = sweepEveryRuns
        self.rowVersionOverlapSegments = rowVersionOverlapSegments
        self.prefetchPages = prefetchPages
        self.compressInBackground = compressInBackground
    }
}

/// What one stream's extract did, for the run summary. Value type, `Sendable`.
public struct StageResult: Sendable, Hashable, Codable {
    public var company: String
    public var table: String
    /// `incremental`, `sweep`, `snapshot` or `backfill`.
    public var mode: String
    public var rowsRead: Int = 0
    /// Rows written because their version was new for their key.
    public var rowsStaged: Int = 0
    /// Rows read again whose version was already staged (look-back windows, reruns).
    public var rowsUnchanged: Int = 0
    public var tombstones: Int = 0
    public var segmentsSealed: Int = 0
    public var pages: Int = 0
    public var retries: Int = 0
    public var faults: [String: Int] = [:]
    public var cursorBefore: String?
    public var cursorAfter: String?
    /// The highest cursor value (rowversion or business date) read so far; updated before each `onPage`, so
    /// the CLI can tell how far through a backfill's date window the read is.
    public var highestCursorRead: String?
    public var elapsedSeconds: Double = 0
    /// Set when the run stopped early because it was asked to (SIGTERM/SIGINT); sealed data is intact.
    public var interrupted: Bool = false
}
