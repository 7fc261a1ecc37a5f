/// One load job: its configuration, the bytes to load, and where it is in PENDING → RUNNING → DONE.
///
/// The data is loaded (or rejected) at the poll that turns the job DONE, all rows at once.
struct LoadJob: Sendable {
    enum State: String, Sendable {
        case pending = "PENDING"
        case running = "RUNNING"
        case done = "DONE"
    }

    /// One source file or upload body, as received (possibly gzip).
    struct Source: Sendable {
        let name: String
        let bytes: [UInt8]
    }

    /// What the job ended with.
    struct Outcome: Sendable {
        var errorResult: JSONValue?
        var errors: [JSONValue] = []
        var outputRows = 0
        var outputBytes = 0
        var badRecords = 0
    }

    let jobId: String
    /// The location the job was inserted in (`jobReference.location`, default the fake's).
    let location: String
    let configuration: JSONValue
    let creationTimeMs: Int64
    var state: State
    /// `jobs.get` polls left before DONE.
    var pollsBeforeDone: Int
    /// Dropped once the job is DONE.
    var sources: [Source]
    let inputFileBytes: Int
    var startTimeMs: Int64?
    var endTimeMs: Int64?
    var outcome: Outcome?

    /// The `Job` resource (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job).
    func json(project: String, userEmail: String) -> JSONValue {
        var statistics: [(String, JSONValue?)] = [("creationTime", .string(String(creationTimeMs)))]
        statistics.append(("startTime", startTimeMs.map { .string(String($0)) }))
        statistics.append(("endTime", endTimeMs.map { .string(String($0)) }))
        if let outcome, outcome.errorResult == nil {
            statistics.append(
                (
                    "load",
                    .object([
                        ("inputFiles", .int64String(sources.isEmpty ? sourceCount : sources.count)),
                        ("inputFileBytes", .int64String(inputFileBytes)),
                        ("outputRows", .int64String(outcome.outputRows)),
                        ("outputBytes", .int64String(outcome.outputBytes)),
                        ("badRecords", .int64String(outcome.badRecords)),
                    ])
                )
            )
        }
        let status = JSONValue.object([
            ("state", .string(state.rawValue)),
            ("errorResult", outcome?.errorResult),
            ("errors", (outcome?.errors ?? []).isEmpty ? nil : .array(outcome?.errors ?? [])),
        ])
        return .object([
            ("kind", .string("bigquery#job")),
            ("etag", .string("\(jobId)-\(state.rawValue)")),
            ("id", .string("\(project):\(location).\(jobId)")),
            ("user_email", .string(userEmail)),
            ("configuration", configuration.setting("jobType", .string("LOAD"))),
            (
                "jobReference",
                .object([("projectId", .string(project)), ("jobId", .string(jobId)), ("location", .string(location))])
            ),
            ("statistics", .object(statistics)),
            ("status", status),
        ])
    }

    /// Number of sources, remembered after the bytes are dropped.
    var sourceCount = 0
    /// Why the sources could not be read (a missing `gs://` object); the job fails with `notFound`.
    var sourceError: String?

    /// Whether `id` is a legal job id: letters, digits, `_` and `-`, 1 to 1,024 characters.
    static func isValidId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 1024
            && id.unicodeScalars.allSatisfy { scalar in
                scalar == "_" || scalar == "-" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar)
            }
    }
}

/// A resumable upload session (https://cloud.google.com/bigquery/docs/reference/api-uploads).
struct ResumableUpload: Sendable {
    let uploadId: String
    let metadata: JSONValue
    var received: [UInt8] = []
    /// Set once a `Content-Range` names the total size.
    var totalBytes: Int?
    /// The job id the session created once complete.
    var completedJobId: String?
}
