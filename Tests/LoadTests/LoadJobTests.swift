import Common
import Foundation
import SegmentLog
import Testing

@testable import Load

/// Load-job mode against a scripted BigQuery, with real segments.
@Suite struct LoadJobTests {
    static func configuration(_ change: (inout BigQueryConfiguration) -> Void = { _ in }) -> BigQueryConfiguration {
        var configuration = testConfiguration()
        configuration.defaultTableOptions = TableOptions(mode: .loadJob)
        change(&configuration)
        return configuration
    }

    static func job(_ id: String, _ state: String, error: String? = nil) -> ScriptedResponse {
        let errorResult = error.map { #","errorResult":{"reason":"\#($0)","message":"boom"}"# } ?? ""
        return .respond(
            status: 200,
            text:
                #"{"jobReference":{"projectId":"p","jobId":"\#(id)","location":"US"},"status":{"state":"\#(state)"\#(errorResult)}}"#
        )
    }

    static func isJobCall(_ request: HTTPRequest) -> Bool { request.url.contains("/jobs") }

    /// A small segment goes up in one multipart request with the deterministic job id; success is journaled.
    @Test func multipartUploadIsGoldenAndJournaled() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(3)])
        let manifest = staging.manifests[0]
        let jobID = "syspro_bq_ApInvoice_1_" + manifest.segmentSHA256.prefix(24)
        let fake = FakeGoogle { request, _ in Self.isJobCall(request) ? Self.job(jobID, "DONE") : okBody }
        let summary = try makeRunner(fake, log: staging.log, configuration: Self.configuration())
            .load(streams: [staging.stream])
        let upload = try #require(fake.requests.first { Self.isJobCall($0.request) })
        #expect(
            upload.request.url
                == "https://bigquery.googleapis.com/upload/bigquery/v2/projects/p/jobs?uploadType=multipart"
        )
        let boundary = "===============\(manifest.segmentSHA256.prefix(24))=="
        #expect(upload.request.headers.value(for: "Content-Type") == "multipart/related; boundary=\"\(boundary)\"")
        let segment = try Array(Data(contentsOf: URL(fileURLWithPath: staging.log.path(staging.stream, .segment(1)))))
        let metadata = LoadJobRequestBuilder.job(
            projectID: "p",
            datasetID: "ds",
            tableID: "ApInvoice",
            jobID: jobID,
            location: "US"
        )
        #expect(
            upload.body == LoadJobRequestBuilder.multipart(metadata: metadata, media: segment, boundary: boundary).body
        )
        #expect(
            try staging.journal.records().last
                == .segmentLoaded(seq: 1, rows: 3, quarantined: 0, mode: .loadJob, jobId: jobID)
        )
        #expect(summary.tables.first?.jobIDs == [jobID])
    }

    /// A 409 on jobs.insert reads the existing job and takes its outcome, polling until DONE.
    @Test func duplicateJobIsReadAndPolledToDone() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(2)])
        var gets = 0
        let fake = FakeGoogle { request, _ in
            guard Self.isJobCall(request) else { return okBody }
            if request.method == .post { return errorBody(409, reason: "duplicate", message: "Already Exists: Job") }
            gets += 1
            return Self.job("j", gets == 1 ? "PENDING" : gets == 2 ? "RUNNING" : "DONE")
        }
        let clock = ManualClock()
        _ = try makeRunner(fake, log: staging.log, configuration: Self.configuration(), clock: clock)
            .load(streams: [staging.stream])
        let jobCalls = fake.requests.filter { Self.isJobCall($0.request) }.map(\.request)
        #expect(jobCalls.map(\.method) == [.post, .get, .get, .get])
        #expect(
            jobCalls[1].url.hasSuffix(
                "/jobs/syspro_bq_ApInvoice_1_\(staging.manifests[0].segmentSHA256.prefix(24))?location=US"
            )
        )
        #expect(jobCalls[2].url.hasSuffix("/jobs/j?location=US"))
        #expect(clock.sleeps == [1, 2])
        #expect(try staging.journal.isLoaded(1))
    }

    /// A job that ends with backendError is retried under a new job id `_r1`; an invalid one fails the table.
    @Test func failedJobsRetryWithNewIDOrFail() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(2)])
        let base = "syspro_bq_ApInvoice_1_" + staging.manifests[0].segmentSHA256.prefix(24)
        var inserts = 0
        let fake = FakeGoogle { request, body in
            guard Self.isJobCall(request) else { return okBody }
            inserts += 1
            let text = String(decoding: body, as: UTF8.self)
            return text.contains(#""jobId":"\#(base)_r1""#)
                ? Self.job(base + "_r1", "DONE") : Self.job(base, "DONE", error: "backendError")
        }
        let summary = try makeRunner(fake, log: staging.log, configuration: Self.configuration())
            .load(streams: [staging.stream])
        #expect(inserts == 2)
        #expect(summary.tables.first?.jobIDs == [base + "_r1"])
        #expect(summary.tables.first?.retries["job:backendError"] == 1)

        let other = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(2)])
        let failing = FakeGoogle { request, _ in
            Self.isJobCall(request) ? Self.job("x", "DONE", error: "invalid") : okBody
        }
        let result = try makeRunner(failing, log: other.log, configuration: Self.configuration()).load(streams: [
            other.stream
        ])
        let error = try #require(result.failures.first?.error)
        #expect(error.disposition == .terminal)
        #expect(error.message.contains("load job x"))
        #expect(try !other.journal.isLoaded(1))
    }

    /// With a gs:// staging prefix the job lists the segment's URI, and the local gs root receives a copy.
    @Test func gcsStagingUsesSourceURIs() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(2)])
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let configuration = Self.configuration {
            $0.gcsStagingURI = "gs://bucket/segments/A"
            $0.gcsLocalRoot = root.path
        }
        let fake = FakeGoogle { request, _ in Self.isJobCall(request) ? Self.job("j", "DONE") : okBody }
        _ = try makeRunner(fake, log: staging.log, configuration: configuration).load(streams: [staging.stream])
        let insert = try #require(fake.requests.first { Self.isJobCall($0.request) })
        #expect(insert.request.url == "https://bigquery.googleapis.com/bigquery/v2/projects/p/jobs")
        let object = "A/ApInvoice/segment-000000000001-\(staging.manifests[0].segmentSHA256.prefix(24)).ndjson.gz"
        #expect(
            String(decoding: insert.body, as: UTF8.self)
                .contains(#""sourceUris":["gs://bucket/segments/A/\#(object)"]"#)
        )
        let copy = root.path + "/bucket/segments/A/" + object
        let segment = try staging.log.withReader(staging.manifests[0]) { $0.path }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: segment)))
    }

    /// Streams number their segments from 1 alike, so each stream's segments get their own gs:// objects: two
    /// tables never load each other's file (the cause of wrong rows in bqemulator).
    @Test func gcsObjectsAreDistinctPerStream() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(2)])
        let other = try StreamID(company: "A", table: "ArCustomer")
        let otherManifests = try StagingFixture.write(
            log: staging.log,
            stream: other,
            segments: [StreamingLoadTests.dates(3)]
        )
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let configuration = Self.configuration {
            $0.gcsStagingURI = "gs://bucket/p"
            $0.gcsLocalRoot = root.path
        }
        let fake = FakeGoogle { request, _ in Self.isJobCall(request) ? Self.job("j", "DONE") : okBody }
        let summary = try makeRunner(fake, log: staging.log, configuration: configuration)
            .load(streams: [staging.stream, other])
        #expect(summary.failures.isEmpty)
        let uris = fake.requests.filter { Self.isJobCall($0.request) }.compactMap { call -> String? in
            let text = String(decoding: call.body, as: UTF8.self)
            guard let start = text.range(of: #""sourceUris":[""#), let end = text[start.upperBound...].range(of: "\"")
            else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
        #expect(uris.count == 2 && Set(uris).count == 2)
        #expect(uris.contains { $0.hasPrefix("gs://bucket/p/A/ApInvoice/segment-000000000001-") })
        #expect(
            uris.contains {
                $0.hasPrefix(
                    "gs://bucket/p/A/ArCustomer/segment-000000000001-\(otherManifests[0].segmentSHA256.prefix(24))"
                )
            }
        )
    }

    /// Above the multipart limit the segment goes up through a resumable session; a 308 whose Range shows a
    /// partial commit makes the next PUT resume at the first byte the server lacks.
    @Test func resumableUploadFollows308Range() throws {
        let staging = try StreamingLoadTests.Staging(segments: [StreamingLoadTests.dates(300)])
        let size = Int(staging.manifests[0].compressedSize)
        let configuration = Self.configuration { $0.multipartLimit = 1024 }
        try #require(size > 1024)
        let session =
            "https://bigquery.googleapis.com/upload/bigquery/v2/projects/p/jobs?uploadType=resumable&upload_id=u1"
        var ranges: [String] = []
        let fake = FakeGoogle { request, _ in
            guard Self.isJobCall(request) else { return okBody }
            if request.method == .post {
                #expect(request.url.hasSuffix("/upload/bigquery/v2/projects/p/jobs?uploadType=resumable"))
                #expect(request.headers.value(for: "X-Upload-Content-Type") == "*/*")
                #expect(request.headers.value(for: "X-Upload-Content-Length") == String(size))
                return .respond(status: 200, headers: [HTTPHeader("Location", session)], body: [])
            }
            #expect(request.url == session)
            ranges.append(request.headers.value(for: "Content-Range") ?? "")
            // The server keeps only the first 1000 bytes of the first PUT.
            if ranges.count == 1 {
                return .respond(status: 308, headers: [HTTPHeader("Range", "bytes=0-999")], body: [])
            }
            return Self.job("j", "DONE")
        }
        _ = try makeRunner(fake, log: staging.log, configuration: configuration).load(streams: [staging.stream])
        #expect(ranges == ["bytes 0-\(size - 1)/\(size)", "bytes 1000-\(size - 1)/\(size)"])
        let bodies = fake.requests.filter { $0.request.method == .put }.map(\.body)
        let segment = try Array(Data(contentsOf: URL(fileURLWithPath: staging.log.path(staging.stream, .segment(1)))))
        #expect(bodies == [segment, Array(segment[1000...])])
        #expect(try staging.journal.isLoaded(1))
    }
}
