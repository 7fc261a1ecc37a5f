public import Foundation
public import Logging

/// Everything a pipeline runner needs from the operator side, built by the CLI before it calls the runner:
/// the validated configuration, the opened credential store, the logger, the cancellation flag to poll, the
/// progress line to feed, the recorder to count into, and the run id.
///
/// This type is a value type and is `Sendable`; the flag, progress line and recorder it shares are thread-safe.
public struct RunContext: Sendable {
    public var configuration: Configuration
    /// How the configuration file is named in messages.
    public var configurationName: String
    public var credentials: CredentialStore
    public var logger: Logger
    /// Poll between batches; stop at a safe point when set (``CancellationFlag/throwIfCancelled(during:)``).
    public var cancellation: CancellationFlag
    public var progress: ProgressLine
    public var recorder: RunRecorder
    /// The run id for `_run_id` (`20261127T150000Z-4f2a9c`).
    public var runID: String
    public var startedAt: Date

    public init(
        configuration: Configuration,
        configurationName: String,
        credentials: CredentialStore,
        logger: Logger,
        cancellation: CancellationFlag,
        progress: ProgressLine,
        recorder: RunRecorder,
        runID: String,
        startedAt: Date
    ) {
        self.configuration = configuration
        self.configurationName = configurationName
        self.credentials = credentials
        self.logger = logger
        self.cancellation = cancellation
        self.progress = progress
        self.recorder = recorder
        self.runID = runID
        self.startedAt = startedAt
    }
}
