/// The parts of a Job resource Load acts on.
///
/// This type is a value type and is `Sendable`.
public struct JobStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case pending = "PENDING"
        case running = "RUNNING"
        case done = "DONE"
    }

    public let jobID: String
    public let state: State
    /// `status.errorResult.reason` when the job failed.
    public let errorReason: String?
    /// `status.errorResult.message` when the job failed.
    public let errorMessage: String?
    /// `statistics.load.outputRows`, when reported.
    public let outputRows: Int?

    /// Whether the job finished and failed.
    public var failed: Bool { state == .done && (errorReason != nil || errorMessage != nil) }

    init(jobID: String, state: State, errorReason: String?, errorMessage: String?, outputRows: Int?) {
        self.jobID = jobID
        self.state = state
        self.errorReason = errorReason
        self.errorMessage = errorMessage
        self.outputRows = outputRows
    }

    /// Reads a Job resource; `nil` when it has no recognisable `status.state`.
    static func parse(_ document: JSONDocument, fallbackJobID: String) -> JobStatus? {
        guard let stateText = document["status"]["state"].string, let state = State(rawValue: stateText) else {
            return nil
        }
        let errorResult = document["status"]["errorResult"]
        return JobStatus(
            jobID: document["jobReference"]["jobId"].string ?? fallbackJobID,
            state: state,
            errorReason: errorResult.exists ? (errorResult["reason"].string ?? "unknown") : nil,
            errorMessage: errorResult["message"].string,
            outputRows: document["statistics"]["load"]["outputRows"].int
        )
    }
}
