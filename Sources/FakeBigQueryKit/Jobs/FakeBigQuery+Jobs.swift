import Foundation
import Synchronization

extension FakeBigQuery {
    /// `jobs.insert` without media: a load job whose `sourceUris` name `gs://bucket/path` objects, read
    /// from `<gsRoot>/bucket/path` (one `*` wildcard allowed in the object name).
    func insertJob(_ request: FakeRequest) -> FakeResponse {
        let body: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): body = value
        }
        let uris = body["configuration"]?["load"]?["sourceUris"]?.arrayElements?.compactMap(\.stringValue) ?? []
        let jobId: String?
        switch validateJobMetadata(body, expectsSourceUris: true) {
        case .failure(let error): return error.response
        case .success(let id): jobId = id
        }
        var sources: [LoadJob.Source] = []
        var sourceError: String?
        for uri in uris {
            switch readGCSObjects(uri) {
            case .failure(let error): return error.response
            case .success(let found):
                if found.isEmpty && sourceError == nil { sourceError = "Not found: URI \(uri)" }
                sources.append(contentsOf: found)
            }
        }
        return createJob(body, jobId: jobId, sources: sources, sourceError: sourceError).response
    }

    /// Checks a Job body: a load configuration (query, copy and extract jobs are not modelled) and a legal
    /// job id. Returns the job id, or `nil` when the server should choose one.
    func validateJobMetadata(_ body: JSONValue, expectsSourceUris: Bool) -> Result<String?, GoogleError> {
        guard let load = body["configuration"]?["load"] else {
            return .failure(
                .invalid("fake-bigquery models load jobs only; use jobs.query for SELECT COUNT(*) verification")
            )
        }
        // JobConfigurationLoad has no `compression` field (BigQuery detects gzip itself) and Google rejects
        // unknown fields, so a client that sends it is wrong against the real service.
        if load["compression"] != nil {
            return .failure(
                .invalid(
                    "Invalid JSON payload received. Unknown name \"compression\" at 'job.configuration.load': "
                        + "Cannot find field."
                )
            )
        }
        let hasUris = !(load["sourceUris"]?.arrayElements ?? []).isEmpty
        if expectsSourceUris && !hasUris {
            return .failure(.invalid("Required parameter is missing: configuration.load.sourceUris"))
        }
        if !expectsSourceUris && hasUris {
            return .failure(.invalid("Load configuration must not specify both sourceUris and an upload"))
        }
        guard let jobId = body["jobReference"]?["jobId"]?.stringValue else { return .success(nil) }
        guard LoadJob.isValidId(jobId) else {
            return .failure(
                .invalid(
                    "Invalid job ID \"\(jobId)\". Job IDs must be alphanumeric (plus underscores and dashes) and "
                        + "must be at most 1024 characters long."
                )
            )
        }
        return .success(jobId)
    }

    /// Stores a new job (409 `duplicate` if the id exists) and answers with the Job resource.
    /// A missing `gs://` object is not a request error: the job is created and fails with `notFound`
    /// (`sourceError`), as in BigQuery.
    func createJob(
        _ body: JSONValue,
        jobId requestedId: String?,
        sources: [LoadJob.Source],
        sourceError: String? = nil
    )
        -> (response: FakeResponse, jobId: String?)
    {
        let nowMs = self.nowMs
        let steps = configuration.jobSteps
        let jobLocation = body["jobReference"]?["location"]?.stringValue ?? location
        let result = state.withLock { state -> Result<LoadJob, GoogleError> in
            let jobId = requestedId ?? "job_" + state.randomHex(bytes: 12)
            guard state.jobs[jobId] == nil else {
                return .failure(.duplicate("Job \(project):\(jobLocation).\(jobId)"))
            }
            var job = LoadJob(
                jobId: jobId,
                location: jobLocation,
                configuration: body["configuration"] ?? .emptyObject,
                creationTimeMs: nowMs,
                state: .pending,
                pollsBeforeDone: steps,
                sources: sources,
                inputFileBytes: sources.reduce(0) { $0 + $1.bytes.count },
                sourceCount: sources.count,
                sourceError: sourceError
            )
            if steps <= 0 { complete(&job, state: &state, nowMs: nowMs) }
            state.jobs[jobId] = job
            state.statistics.jobsCreated += 1
            return .success(job)
        }
        switch result {
        case .failure(let error): return (error.response, nil)
        case .success(let job):
            let json = job.json(project: project, userEmail: configuration.clientEmail)
            return (.json(200, json), job.jobId)
        }
    }

    /// `jobs.get`: each poll moves the job on; the poll after `jobSteps` RUNNING answers runs the load.
    func getJob(_ jobId: String, location requested: String?) -> FakeResponse {
        let notFound = GoogleError.notFound("Job \(project):\(requested ?? location).\(jobId)")
        let nowMs = self.nowMs
        let job = state.withLock { state -> LoadJob? in
            guard var job = state.jobs[jobId] else { return nil }
            // A job is only found in the location it runs in, as in BigQuery.
            if let requested, requested.uppercased() != job.location.uppercased() { return nil }
            if job.state != .done {
                if job.pollsBeforeDone > 0 {
                    job.pollsBeforeDone -= 1
                    job.state = .running
                    job.startTimeMs = job.startTimeMs ?? nowMs
                } else {
                    complete(&job, state: &state, nowMs: nowMs)
                }
                state.jobs[jobId] = job
            }
            return job
        }
        guard let job else { return notFound.response }
        return .json(200, job.json(project: project, userEmail: configuration.clientEmail))
    }

    private func complete(_ job: inout LoadJob, state: inout FakeState, nowMs: Int64) {
        job.outcome = LoadExecution.run(job: job, state: &state, project: project, nowMs: nowMs)
        job.state = .done
        job.startTimeMs = job.startTimeMs ?? nowMs
        job.endTimeMs = nowMs
        job.sources = []
    }

    /// Reads `gs://bucket/object` from `--gs-root`; the object name may hold one `*`.
    private func readGCSObjects(_ uri: String) -> Result<[LoadJob.Source], GoogleError> {
        guard uri.hasPrefix("gs://") else {
            return .failure(.invalid("Source URI must be a Google Cloud Storage location: \(uri)"))
        }
        guard let root = configuration.gsRoot else {
            return .failure(.invalid("fake-bigquery was started without --gs-root, so \(uri) cannot be read"))
        }
        let relative = String(uri.dropFirst("gs://".count))
        guard !relative.split(separator: "/").contains("..") else {
            return .failure(.invalid("Invalid source URI: \(uri)"))
        }
        let path = root + "/" + relative
        var paths: [String] = []
        if let star = path.firstIndex(of: "*") {
            let directory = (String(path[..<star]) as NSString).deletingLastPathComponent
            let namePrefix = (String(path[..<star]) as NSString).lastPathComponent
            let nameSuffix = String(path[path.index(after: star)...])
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            paths = names.filter { $0.hasPrefix(namePrefix) && $0.hasSuffix(nameSuffix) }.sorted().map {
                directory + "/" + $0
            }
            if path.firstIndex(of: "*") != path.lastIndex(of: "*") || nameSuffix.contains("/") {
                return .failure(.invalid("Only one * wildcard, in the object's file name, is supported: \(uri)"))
            }
        } else {
            paths = [path]
        }
        var sources: [LoadJob.Source] = []
        for file in paths {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            sources.append(LoadJob.Source(name: "gs://" + file.dropFirst(root.count + 1), bytes: Array(data)))
        }
        return .success(sources)
    }
}
