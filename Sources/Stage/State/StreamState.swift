public import Foundation

/// The extract watermark of one stream: `stage-state.json` in the stream's directory.
///
/// The live cursor moves only after the segment holding the rows it covers is sealed. If a crash falls
/// between the seal and this file's update, the next run re-reads those rows and the ``VersionIndex`` skips
/// them, so nothing is staged twice and nothing is skipped.
///
/// Backfills (`extract --from --to`) never change `cursor`.
public struct StreamState: Codable, Sendable, Hashable {
    public static let fileName = "stage-state.json"
    public static let formatVersion = 1

    public var formatVersion: Int
    /// The change strategy the cursor belongs to; a different strategy restarts from a full read.
    public var strategy: String
    /// The live cursor: a rowversion (`0x…`) or a business date (`YYYY-MM-DD`); nil before the first run.
    public var cursor: String?
    /// The run that last advanced the cursor.
    public var lastRunID: String?
    /// When the last extract of this stream finished successfully.
    public var lastSuccessAt: Date?
    /// When the last extract of this stream started.
    public var lastAttemptAt: Date?
    /// The last error, for `status`, without secrets.
    public var lastError: String?
    /// Run counter, used to schedule key sweeps.
    public var runs: Int

    public init(strategy: String) {
        formatVersion = Self.formatVersion
        self.strategy = strategy
        cursor = nil
        lastRunID = nil
        lastSuccessAt = nil
        lastAttemptAt = nil
        lastError = nil
        runs = 0
    }
}
