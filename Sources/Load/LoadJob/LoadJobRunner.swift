import Common
import Foundation
import Logging
import SegmentLog

/// Loads one segment with one load job: the segment file as is, a deterministic job id, 409 = already done.
///
/// 1. `jobs.insert`: multipart upload below ``BigQueryConfiguration/multipartLimit``, resumable above, or a
///    metadata-only job reading `gs://` when ``BigQueryConfiguration/gcsStagingURI`` is set.
/// 2. A 409 `duplicate` means the job exists (a previous run sent it): `jobs.get` gives its outcome.
/// 3. Poll `jobs.get` until `DONE`, backing off from ``BigQueryConfiguration/jobPollInitialDelay``.
/// 4. `status.errorResult` with a transient reason (`backendError`, `internalError`) → a new job with the
///    suffix `_r<N>` (Google: "You can safely retry the job" with a new id). The walk r0, r1, … is
///    deterministic, so a rerun after a crash finds the same jobs through their 409s.
///
/// Thread-safety: not thread-safe; it uses one ``BigQueryClient``.
struct LoadJobRunner {
    let client: BigQueryClient
    let tableID: String

    private var paths: BigQueryPaths { client.paths }
    private var configuration: BigQueryConfiguration { client.configuration }

    /// Loads the segment at `path` and returns the finished job.
    /// - Throws: a terminal error naming the job when it failed for a non-transient reason.
    func load(manifest: Manifest, path: String) throws -> JobStatus {
        var retry = RetryState(policy: configuration.retryPolicy)
        var attempt = 0
        while true {
            let jobID = LoadJobRequestBuilder.jobID(
                table: tableID,
                sequence: Int(manifest.sequence),
                segmentSHA256: manifest.segmentSHA256,
                retry: attempt
            )
            let status = try waitForCompletion(try insert(jobID: jobID, manifest: manifest, path: path))
            guard status.failed else { return status }
            let reason = status.errorReason ?? "unknown"
            let failure = SysproBQError(
                .remote,
                "load job \(status.jobID) for segment \(manifest.segmentFileName) of \(manifest.stream) failed "
                    + "(\(reason)): \(status.errorMessage ?? "no message")",
                remedy: "check the table schema against the segment's schema; the segment can be sent again with "
                    + "load or replay",
                disposition: BigQueryErrorClassifier.action(status: 200, reason: reason) == .retry
                    ? .retryable : .terminal
            )
            switch retry.recordFailure(failure, random: Double.random(in: 0..<1)) {
            case .retry(let delay):
                client.statistics.retries["job:\(reason)", default: 0] += 1
                client.logger.warning(
                    "Load job failed; retrying with a new job id",
                    metadata: ["bq.job_id": "\(status.jobID)", "bq.reason": "\(reason)"]
                )
                client.clock.sleep(seconds: delay)
                attempt += 1
            case .giveUp:
                throw failure
            }
        }
    }

    /// Inserts the job, or reads it when it already exists.
    private func insert(jobID: String, manifest: Manifest, path: String) throws -> JobStatus {
        let operation = "load job \(jobID)"
        let response: HTTPResponse
        if let staging = configuration.gcsStagingURI, let location = GCSLocation(staging) {
            let objectFile = LoadJobRequestBuilder.stagedObjectPath(manifest)
            try copyToLocalGCSRoot(path: path, location: location, objectFile: objectFile)
            let job = LoadJobRequestBuilder.job(
                projectID: paths.project,
                datasetID: paths.dataset,
                tableID: tableID,
                jobID: jobID,
                location: paths.location,
                sourceURIs: [location.uri(objectFile)]
            )
            response = try client.call(
                client.jsonRequest(.post, paths.jobsURL, body: job),
                operation: operation,
                accept: [409]
            )
        } else {
            let job = LoadJobRequestBuilder.job(
                projectID: paths.project,
                datasetID: paths.dataset,
                tableID: tableID,
                jobID: jobID,
                location: paths.location
            )
            if manifest.compressedSize < Int64(configuration.multipartLimit) {
                response = try multipart(
                    job: job,
                    path: path,
                    seed: String(manifest.segmentSHA256.prefix(24)),
                    operation
                )
            } else {
                response = try resumable(job: job, path: path, size: Int(manifest.compressedSize), operation)
            }
        }
        if response.status == 409 {
            client.logger.info("Load job exists; reading its outcome", metadata: ["bq.job_id": "\(jobID)"])
            return try get(jobID)
        }
        return try parseJob(response.body, jobID: jobID)
    }

    private func multipart(job: JSONValue, path: String, seed: String, _ operation: String) throws -> HTTPResponse {
        let media = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let boundary = LoadJobRequestBuilder.boundary(seed: seed, avoiding: media)
        let (body, contentType) = LoadJobRequestBuilder.multipart(metadata: job, media: media, boundary: boundary)
        let request = HTTPRequest(
            method: .post,
            url: paths.multipartUploadURL,
            headers: [HTTPHeader("Content-Type", contentType)],
            body: .bytes(body)
        )
        return try client.call(request, operation: operation, accept: [409])
    }

    /// A resumable upload (google-resumable-media): POST the job, then PUT chunks to the session URI.
    private func resumable(job: JSONValue, path: String, size: Int, _ operation: String) throws -> HTTPResponse {
        let start = HTTPRequest(
            method: .post,
            url: paths.resumableUploadURL,
            headers: [
                HTTPHeader("Content-Type", "application/json; charset=UTF-8"),
                HTTPHeader("X-Upload-Content-Type", "*/*"),
                HTTPHeader("X-Upload-Content-Length", String(size)),
            ],
            body: .bytes(job.bytes)
        )
        let started = try client.call(start, operation: operation, accept: [409])
        if started.status == 409 { return started }
        guard let session = started.head.headers.value(for: "Location") else {
            throw SysproBQError(
                .protocolViolation,
                "\(operation): the resumable upload answer has no Location header",
                disposition: .retryable
            )
        }
        try EndpointGuard.check(
            session,
            name: "the upload session URI",
            allowInsecureLocal: configuration.allowInsecureLocalEndpoints
        )
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw SysproBQError(.fileSystem, "cannot open segment \(path) for upload", disposition: .needsHuman)
        }
        defer { try? file.close() }
        var offset = 0
        while true {
            let length = min(configuration.resumableChunkSize, size - offset)
            try file.seek(toOffset: UInt64(offset))
            let chunk = length > 0 ? Array(try file.read(upToCount: length) ?? Data()) : []
            let put = HTTPRequest(
                method: .put,
                url: session,
                headers: [
                    HTTPHeader(
                        "Content-Range",
                        LoadJobRequestBuilder.contentRange(offset: offset, length: length, total: size)
                    )
                ],
                body: .bytes(chunk)
            )
            let response = try client.call(put, operation: operation, accept: [308, 409])
            if response.status == 308 {
                let next = LoadJobRequestBuilder.committedOffset(rangeHeader: response.head.headers.value(for: "Range"))
                guard next > offset || length == 0 else {
                    throw SysproBQError(
                        .protocolViolation,
                        "\(operation): the upload made no progress at byte \(offset) of \(size)",
                        disposition: .retryable
                    )
                }
                offset = next
                continue
            }
            return response
        }
    }

    /// `jobs.get`.
    func get(_ jobID: String) throws -> JobStatus {
        let response = try client.call(client.jsonRequest(.get, paths.jobURL(jobID)), operation: "read job \(jobID)")
        return try parseJob(response.body, jobID: jobID)
    }

    /// Polls until the job is `DONE`, backing off between polls.
    func waitForCompletion(_ initial: JobStatus) throws -> JobStatus {
        var status = initial
        var delay = configuration.jobPollInitialDelay
        let deadline = client.clock.now().addingTimeInterval(configuration.jobTimeout)
        while status.state != .done {
            guard client.clock.now() < deadline else {
                throw SysproBQError(
                    .remote,
                    "load job \(status.jobID) is still \(status.state.rawValue) after \(Int(configuration.jobTimeout)) s",
                    remedy: "run load again later: the job keeps running in BigQuery and its outcome is read then",
                    disposition: .retryable
                )
            }
            client.clock.sleep(seconds: delay)
            delay = min(delay * 2, configuration.jobPollMaximumDelay)
            status = try get(status.jobID)
        }
        return status
    }

    private func parseJob(_ body: [UInt8], jobID: String) throws -> JobStatus {
        guard let status = JobStatus.parse(try JSONDocument.parse(body, context: "job \(jobID)"), fallbackJobID: jobID)
        else {
            throw SysproBQError(
                .protocolViolation,
                "job \(jobID): the answer has no status.state",
                cause: .other(excerpt(body)),
                disposition: .retryable
            )
        }
        return status
    }

    /// Local testing only: copies the segment to `<gcsLocalRoot>/<bucket>/<prefix>/<object>`, where an emulator
    /// maps `gs://` (bqemulator's `BQEMU_GCS_LOCAL_ROOT`). Nothing uploads to real GCS: there the objects
    /// must already be at ``LoadJobRequestBuilder/stagedObjectPath(_:)`` under the prefix.
    ///
    /// The object name holds the stream and the segment's SHA-256, so an existing object is this very segment
    /// and is not copied again; the copy goes through a temporary name, so a crash never leaves half an object.
    private func copyToLocalGCSRoot(path: String, location: GCSLocation, objectFile: String) throws {
        guard let root = configuration.gcsLocalRoot else { return }
        let target = "\(root)/\(location.bucket)/\(location.objectName(objectFile))"
        let manager = FileManager.default
        if manager.fileExists(atPath: target) { return }
        let temporary = target + ".tmp-\(UUID().uuidString)"
        do {
            try manager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try manager.copyItem(atPath: path, toPath: temporary)
            if rename(temporary, target) != 0 {
                let code = errno
                try? manager.removeItem(atPath: temporary)
                throw SysproBQError(
                    .fileSystem,
                    "cannot rename \(temporary) to \(target)",
                    cause: .errno(code, call: "rename"),
                    disposition: .needsHuman
                )
            }
        } catch let error as SysproBQError {
            throw error
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw SysproBQError(
                .fileSystem,
                "cannot copy segment \(path) to the local gs:// root \(target)",
                cause: .other("\(error)"),
                disposition: .needsHuman
            )
        }
    }
}
