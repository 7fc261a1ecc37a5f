import Synchronization

/// Collects per-stream counts while a run is in progress, so the summary is complete even when the run fails or
/// is interrupted part-way: the runner records as it goes, the CLI builds the ``RunSummary`` at the end.
///
/// This class is thread-safe: streams may run on several threads.
public final class RunRecorder: Sendable {
    private let streams = Mutex<[RunSummary.Stream]>([])

    public init() {}

    /// Adds or replaces the stream with the same company, table and stage.
    public func record(_ stream: RunSummary.Stream) {
        streams.withLock { list in
            if let index = list.firstIndex(where: {
                $0.company == stream.company && $0.table == stream.table && $0.stage == stream.stage
            }) {
                list[index] = stream
            } else {
                list.append(stream)
            }
        }
    }

    /// Changes the stream (company, table, stage), creating it with zero counts first if needed.
    public func update(
        company: String,
        table: String,
        stage: RunSummary.Stage,
        _ change: (inout RunSummary.Stream) -> Void
    ) {
        streams.withLock { list in
            let index =
                list.firstIndex { $0.company == company && $0.table == table && $0.stage == stage }
                ?? {
                    list.append(RunSummary.Stream(company: company, table: table, stage: stage))
                    return list.count - 1
                }()
            change(&list[index])
        }
    }

    /// Every stream recorded so far, in the order first recorded.
    public var recorded: [RunSummary.Stream] { streams.withLock { $0 } }
}
