/// How a ``SegmentWriter`` cuts and compresses segments. Value type, `Sendable`.
public struct WriterOptions: Sendable, Hashable {
    /// Uncompressed bytes per block (gzip member); default 1 MiB (docs/staging-format.md §3.2).
    public var blockSize: Int
    /// zlib level, 0-9; default 6.
    public var compressionLevel: Int32

    /// Compress each full block on a background thread while the next one fills (pigz-style). The bytes
    /// written are identical either way; what changes is when a block's failure surfaces: inline, at the
    /// `append` that filled the block; in the background, at the next `append` that fills a block, or at
    /// `seal`. Either way the segment is discarded and the error thrown. Default off.
    public var compressInBackground: Bool

    public init(
        blockSize: Int = Format.defaultBlockSize,
        compressionLevel: Int32 = Format.defaultCompressionLevel,
        compressInBackground: Bool = false
    ) {
        precondition(blockSize > 0, "blockSize must be positive")
        self.blockSize = blockSize
        self.compressionLevel = compressionLevel
        self.compressInBackground = compressInBackground
    }
}

/// What Stage tells the writer when it seals a segment (docs/staging-format.md §4.1). Value type, `Sendable`.
public struct SealMetadata: Sendable, Hashable {
    /// A description of the source query (entity, filter, order by); must not contain a secret.
    public var sourceQuery: String
    /// The change-cursor range the rows cover.
    public var cursor: CursorRange
    /// The business-date range of the rows, or `nil`.
    public var businessDates: BusinessDateRange?
    /// Control totals; `rowCount` must equal the rows appended to the segment.
    public var controlTotals: ControlTotals

    public init(
        sourceQuery: String,
        cursor: CursorRange,
        businessDates: BusinessDateRange?,
        controlTotals: ControlTotals
    ) {
        self.sourceQuery = sourceQuery
        self.cursor = cursor
        self.businessDates = businessDates
        self.controlTotals = controlTotals
    }
}
