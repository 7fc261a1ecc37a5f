import Synchronization

extension FakeBigQuery {
    /// Non-final resumable chunks must be multiples of 256 KiB (google-resumable-media `UPLOAD_CHUNK_SIZE`).
    static let resumableChunkGranularity = 262_144

    /// `/upload/bigquery/v2/projects/{p}/jobs`: `uploadType=multipart`, `uploadType=resumable` (POST to
    /// start a session, PUT with `upload_id` to send bytes).
    func upload(_ request: FakeRequest) -> FakeResponse {
        if request.method == "PUT" || request.queryValue("upload_id") != nil {
            guard let uploadId = request.queryValue("upload_id") else {
                return GoogleError.invalid("Required parameter is missing: upload_id").response
            }
            return putResumableChunk(request, uploadId: uploadId)
        }
        switch request.queryValue("uploadType") {
        case "multipart": return multipartUpload(request)
        case "resumable": return startResumableUpload(request)
        default:
            return GoogleError.invalid(
                "uploadType must be multipart or resumable for load jobs, not \(request.queryValue("uploadType") ?? "none")"
            ).response
        }
    }

    private func multipartUpload(_ request: FakeRequest) -> FakeResponse {
        guard let boundary = MultipartRelated.boundary(contentType: request.header("Content-Type") ?? "") else {
            return GoogleError.badRequest("Content-Type must be multipart/related with a boundary").response
        }
        guard let parts = MultipartRelated.parse(request.body, boundary: boundary), parts.count == 2 else {
            return GoogleError.badRequest("Multipart body must hold exactly two parts: metadata and media").response
        }
        let metadataRequest = FakeRequest(
            method: "POST",
            path: request.path,
            query: [],
            headers: [],
            body: parts[0].body
        )
        let metadata: JSONValue
        switch parseBody(metadataRequest) {
        case .failure(let error): return error.response
        case .success(let value): metadata = value
        }
        switch validateJobMetadata(metadata, expectsSourceUris: false) {
        case .failure(let error): return error.response
        case .success(let jobId):
            return createJob(metadata, jobId: jobId, sources: [LoadJob.Source(name: "upload", bytes: parts[1].body)])
                .response
        }
    }

    private func startResumableUpload(_ request: FakeRequest) -> FakeResponse {
        let metadata: JSONValue
        switch parseBody(request) {
        case .failure(let error): return error.response
        case .success(let value): metadata = value
        }
        let jobId: String?
        switch validateJobMetadata(metadata, expectsSourceUris: false) {
        case .failure(let error): return error.response
        case .success(let id): jobId = id
        }
        let uploadId = state.withLock { state -> String? in
            if let jobId, state.jobs[jobId] != nil { return nil }
            let uploadId = "fake-upload-" + state.randomHex(bytes: 16)
            state.uploads[uploadId] = ResumableUpload(uploadId: uploadId, metadata: metadata)
            return uploadId
        }
        guard let uploadId else {
            let jobLocation = metadata["jobReference"]?["location"]?.stringValue ?? location
            return GoogleError.duplicate("Job \(project):\(jobLocation).\(jobId ?? "")").response
        }
        let host = request.header("Host") ?? "127.0.0.1"
        let location =
            "http://\(host)/upload/bigquery/v2/projects/\(project)/jobs?uploadType=resumable&upload_id=\(uploadId)"
        return .respond(
            status: 200,
            headers: [("Location", location), ("X-GUploader-UploadID", uploadId), ("Content-Length", "0")],
            body: []
        )
    }

    /// Applies one `PUT` of a resumable session: `Content-Range: bytes a-b/total` (or `/*`) appends bytes,
    /// `bytes */total` asks for progress. Answers 308 with `Range: bytes=0-N` until every byte has arrived,
    /// then 200 with the Job.
    private func putResumableChunk(_ request: FakeRequest, uploadId: String) -> FakeResponse {
        guard let range = ContentRange(request.header("Content-Range") ?? "bytes */*", bodyLength: request.body.count)
        else {
            return GoogleError.badRequest("Invalid Content-Range: \(request.header("Content-Range") ?? "")").response
        }
        enum Step {
            case progress(Int)
            case complete(JSONValue)
            case failed(GoogleError)
            case jobCompleted(String)
        }
        let step = state.withLock { state -> Step in
            guard var session = state.uploads[uploadId] else { return .failed(.notFound("Upload \(uploadId)")) }
            if let jobId = session.completedJobId { return .jobCompleted(jobId) }
            if let total = range.total { session.totalBytes = total }
            if let first = range.first {
                guard first <= session.received.count else {
                    return .failed(
                        .badRequest(
                            "Content-Range starts at \(first) but only \(session.received.count) bytes were received"
                        )
                    )
                }
                let isFinal = range.total.map { first + request.body.count >= $0 } ?? false
                if !isFinal && request.body.count % Self.resumableChunkGranularity != 0 {
                    return .failed(
                        .badRequest(
                            "Invalid request. The number of bytes uploaded is required to be equal or greater than "
                                + "\(Self.resumableChunkGranularity), except for the final request (it's recommended "
                                + "to be the exact multiple of \(Self.resumableChunkGranularity)). The received request "
                                + "contained \(request.body.count) bytes, which does not meet this requirement."
                        )
                    )
                }
                // Bytes the session already holds (a resend after a lost reply) are skipped, not duplicated.
                let overlap = session.received.count - first
                if overlap < request.body.count { session.received.append(contentsOf: request.body[overlap...]) }
            }
            state.uploads[uploadId] = session
            if let total = session.totalBytes, session.received.count >= total {
                return .complete(session.metadata)
            }
            return .progress(session.received.count)
        }
        switch step {
        case .failed(let error): return error.response
        case .progress(let received):
            var headers: [(name: String, value: String)] = [
                ("X-GUploader-UploadID", uploadId), ("Content-Length", "0"),
            ]
            if received > 0 { headers.append(("Range", "bytes=0-\(received - 1)")) }
            return .respond(status: 308, headers: headers, body: [])
        case .jobCompleted(let jobId):
            return getJobWithoutPolling(jobId)
        case .complete(let metadata):
            let bytes = state.withLock { $0.uploads[uploadId]?.received ?? [] }
            let jobId = metadata["jobReference"]?["jobId"]?.stringValue
            let created = createJob(metadata, jobId: jobId, sources: [LoadJob.Source(name: "upload", bytes: bytes)])
            if let createdId = created.jobId {
                state.withLock { state in
                    state.uploads[uploadId]?.completedJobId = createdId
                    state.uploads[uploadId]?.received = []
                }
            }
            return created.response
        }
    }

    /// The Job resource as it stands, without counting a poll.
    private func getJobWithoutPolling(_ jobId: String) -> FakeResponse {
        guard let job = state.withLock({ $0.jobs[jobId] }) else {
            return GoogleError.notFound("Job \(project):\(location).\(jobId)").response
        }
        return .json(200, job.json(project: project, userEmail: configuration.clientEmail))
    }
}

/// A `Content-Range` request header (RFC 9110 §14.4): `bytes first-last/total`, `bytes first-last/*`,
/// or `bytes */total`.
struct ContentRange: Sendable {
    let first: Int?
    let total: Int?

    init?(_ text: String, bodyLength: Int) {
        guard text.hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count).split(separator: "/", omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        total = spec[1] == "*" ? nil : Int(spec[1])
        if spec[1] != "*" && total == nil { return nil }
        if spec[0] == "*" {
            first = nil
            return
        }
        let bounds = spec[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), last >= first,
            last - first + 1 == bodyLength
        else { return nil }
        self.first = first
    }
}
