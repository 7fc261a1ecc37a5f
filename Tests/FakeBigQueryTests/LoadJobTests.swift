import Common
import FakeBigQueryKit
import Foundation
import Testing

@Suite("load jobs")
struct LoadJobTests {
    static let schema = #"[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"}]"#

    static func jobJSON(_ jobId: String, extra: String = "") -> String {
        #"{"jobReference":{"projectId":"test-project","jobId":"\#(jobId)","location":"US"},"#
            + #""configuration":{"load":{"destinationTable":{"projectId":"test-project","datasetId":"ds","tableId":"t"},"#
            + #""sourceFormat":"NEWLINE_DELIMITED_JSON","writeDisposition":"WRITE_APPEND","#
            + #""createDisposition":"CREATE_NEVER","maxBadRecords":0\#(extra)}}}"#
    }

    static func ndjson(_ count: Int, from start: Int = 0) -> [UInt8] {
        Array((start..<start + count).map { #"{"id":"\#($0)","amount":"\#($0).10"}"# + "\n" }.joined().utf8)
    }

    /// A multipart body exactly as google-resumable-media builds it.
    static func multipart(_ metadata: String, _ media: [UInt8]) -> (contentType: String, body: [UInt8]) {
        let boundary = "===============1234567890=="
        var body = Array("--\(boundary)\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n\(metadata)\r\n".utf8)
        body += Array("--\(boundary)\r\ncontent-type: */*\r\n\r\n".utf8) + media
        body += Array("\r\n--\(boundary)--".utf8)
        return ("multipart/related; boundary=\"\(boundary)\"", body)
    }

    private func postMultipart(
        _ fake: FakeHarness,
        jobId: String,
        media: [UInt8],
        ensureTable: Bool = true
    ) throws
        -> HTTPResult
    {
        let (contentType, body) = Self.multipart(Self.jobJSON(jobId), media)
        if ensureTable, try fake.call("GET", "/datasets/ds/tables/t").status != 200 { try fake.makeTable(Self.schema) }
        let token = try fake.token()
        return try Curl.send(
            "POST",
            "\(fake.upload)/jobs?uploadType=multipart",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", contentType)],
            body: body
        )
    }

    private func state(_ result: HTTPResult) -> String? {
        (result.json["status"] as? [String: Any])?["state"] as? String
    }

    /// A gzip multipart load keeps the client's job id, goes PENDING → RUNNING ×2 → DONE, and appends every row.
    @Test func multipartGzipLoadPollsToDone() throws {
        let fake = try FakeHarness { $0.jobSteps = 2 }
        defer { fake.stop() }
        let inserted = try postMultipart(fake, jobId: "load_seg_1", media: try Gzip.compress(Self.ndjson(3)))
        #expect(inserted.status == 200)
        #expect((inserted.json["jobReference"] as? [String: Any])?["jobId"] as? String == "load_seg_1")
        #expect(state(inserted) == "PENDING")
        var states: [String?] = []
        for _ in 0..<3 { states.append(state(try fake.call("GET", "/jobs/load_seg_1?location=US"))) }
        #expect(states == ["RUNNING", "RUNNING", "DONE"])
        let done = try fake.call("GET", "/jobs/load_seg_1")
        let load = (done.json["statistics"] as? [String: Any])?["load"] as? [String: Any]
        #expect(load?["outputRows"] as? String == "3")
        #expect((done.json["status"] as? [String: Any])?["errorResult"] == nil)
        #expect(try fake.storedRows().first == #"{"id":"0","amount":"0.10"}"#)
        #expect(try fake.storedRows().count == 3)
    }

    /// The same job id a second time is 409 "Already Exists: Job test-project:US.<id>", and nothing is appended twice.
    @Test func repeatedJobIdIs409() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        #expect(try postMultipart(fake, jobId: "det_job_1", media: Self.ndjson(2)).status == 200)
        let again = try postMultipart(fake, jobId: "det_job_1", media: Self.ndjson(2))
        #expect(again.status == 409)
        #expect(again.errorReason == "duplicate")
        #expect(again.errorMessage == "Already Exists: Job test-project:US.det_job_1")
        #expect((again.json["error"] as? [String: Any])?["status"] as? String == "ALREADY_EXISTS")
        #expect(try fake.storedRows().count == 2)
    }

    /// One bad line with maxBadRecords 0 fails the job with an errorResult naming the line; nothing is appended.
    @Test func badLineFailsTheWholeJob() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        let media = Self.ndjson(2) + Array(#"{"id":"2","surface":"x"}"#.utf8) + [0x0A] + Self.ndjson(1, from: 3)
        let result = try postMultipart(fake, jobId: "bad_line", media: try Gzip.compress(media))
        let status = result.json["status"] as? [String: Any]
        let errorResult = status?["errorResult"] as? [String: Any]
        #expect(status?["state"] as? String == "DONE")
        #expect(errorResult?["reason"] as? String == "invalid")
        #expect((errorResult?["message"] as? String)?.contains("line 3") == true)
        #expect((errorResult?["message"] as? String)?.contains("no such field: surface.") == true)
        #expect(try fake.storedRows().isEmpty)
    }

    /// A resumable upload answers 308 with Range until the last chunk, then 200 with the job.
    @Test func resumableUploadInChunks() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let token = try fake.token()
        var media = Self.ndjson(30_000)
        media = Array(media.prefix(262_144 + 1000))
        while media.last != 0x0A { media.removeLast() }
        let start = try Curl.send(
            "POST",
            "\(fake.upload)/jobs?uploadType=resumable",
            headers: [("Authorization", "Bearer \(token)"), ("X-Upload-Content-Type", "*/*")],
            body: Array(Self.jobJSON("resumable_1").utf8)
        )
        #expect(start.status == 200)
        let session = try #require(start.headers["location"])
        #expect(session.contains("upload_id="))
        let total = media.count
        let first = try Curl.send(
            "PUT",
            session,
            headers: [("Content-Range", "bytes 0-262143/\(total)"), ("Content-Type", "*/*")],
            body: Array(media.prefix(262_144))
        )
        #expect(first.status == 308)
        #expect(first.headers["range"] == "bytes=0-262143")
        let progress = try Curl.send("PUT", session, headers: [("Content-Range", "bytes */\(total)")], body: [])
        #expect(progress.status == 308)
        let last = try Curl.send(
            "PUT",
            session,
            headers: [("Content-Range", "bytes 262144-\(total - 1)/\(total)"), ("Content-Type", "*/*")],
            body: Array(media.dropFirst(262_144))
        )
        #expect(last.status == 200)
        #expect(state(last) == "DONE")
        let lines = media.filter { $0 == 0x0A }.count
        let load = (last.json["statistics"] as? [String: Any])?["load"] as? [String: Any]
        #expect(load?["outputRows"] as? String == String(lines))
        #expect(try fake.storedRows().count == lines)
    }

    /// A non-final chunk that is not a multiple of 256 KiB is refused, as Google does.
    @Test func unalignedChunkIsRefused() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let start = try fake.call("POST", "\(fake.upload)/jobs?uploadType=resumable", json: Self.jobJSON("unaligned"))
        let session = try #require(start.headers["location"])
        let chunk = try Curl.send(
            "PUT",
            session,
            headers: [("Content-Range", "bytes 0-99/1000")],
            body: Self.ndjson(100).prefix(100).map { $0 }
        )
        #expect(chunk.status == 400)
    }

    /// A load from gs:// reads the object under --gs-root (wildcard allowed) and appends its rows.
    @Test func gcsSourceUrisLoadFromTheLocalRoot() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        try fake.directory.write(try Gzip.compress(Self.ndjson(2)), to: "gcs/bucket/seg/seg-000001.json")
        try fake.directory.write(Self.ndjson(3, from: 2), to: "gcs/bucket/seg/seg-000002.json")
        let extra = #","sourceUris":["gs://bucket/seg/seg-*.json"]"#
        let result = try fake.call("POST", "/jobs", json: Self.jobJSON("gcs_1", extra: extra))
        #expect(state(result) == "DONE")
        let load = (result.json["statistics"] as? [String: Any])?["load"] as? [String: Any]
        #expect(load?["outputRows"] as? String == "5")
        #expect(load?["inputFiles"] as? String == "2")
        let missing = try fake.call(
            "POST",
            "/jobs",
            json: Self.jobJSON("gcs_2", extra: #","sourceUris":["gs://bucket/none.json"]"#)
        )
        let errorResult = (missing.json["status"] as? [String: Any])?["errorResult"] as? [String: Any]
        #expect(errorResult?["reason"] as? String == "notFound")
    }

    /// jobs.get for an unknown job, or in another location, is 404 `notFound`.
    @Test func unknownJobIs404() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        #expect(try fake.call("GET", "/jobs/nope").errorReason == "notFound")
    }

    /// A load configuration with `compression` (a field JobConfigurationLoad does not have) is 400.
    @Test func compressionFieldIsRejected() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        let extra = #","compression":"GZIP","sourceUris":["gs://bucket/x.json"]"#
        let result = try fake.call("POST", "/jobs", json: Self.jobJSON("with_compression", extra: extra))
        #expect(result.status == 400)
        #expect(result.errorMessage?.contains("Unknown name \"compression\"") == true)
    }

    /// A load whose schema adds a column needs ALLOW_FIELD_ADDITION; with it the column is added and loaded.
    @Test func schemaUpdateOptionsGateNewColumns() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        try fake.directory.write(Array(#"{"id":"1","note":"n"}"#.utf8), to: "gcs/b/new.json")
        let schema =
            #","schema":{"fields":[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"amount","type":"NUMERIC"},"#
            + #"{"name":"note","type":"STRING"}]},"sourceUris":["gs://b/new.json"]"#
        let refused = try fake.call("POST", "/jobs", json: Self.jobJSON("add_1", extra: schema))
        let errorResult = (refused.json["status"] as? [String: Any])?["errorResult"] as? [String: Any]
        #expect((errorResult?["message"] as? String)?.contains("Cannot add fields (field: note)") == true)
        let allowed = try fake.call(
            "POST",
            "/jobs",
            json: Self.jobJSON("add_2", extra: schema + #","schemaUpdateOptions":["ALLOW_FIELD_ADDITION"]"#)
        )
        #expect((allowed.json["status"] as? [String: Any])?["errorResult"] == nil)
        #expect(try fake.storedRows() == [#"{"id":"1","note":"n"}"#])
    }

    /// A job inserted in EU is found with location=EU and not with location=US.
    @Test func jobsAreFoundInTheirOwnLocation() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        try fake.directory.write(Self.ndjson(1), to: "gcs/b/one.json")
        let body = Self.jobJSON("eu_1", extra: #","sourceUris":["gs://b/one.json"]"#)
            .replacingOccurrences(of: #""location":"US""#, with: #""location":"EU""#)
        #expect(try fake.call("POST", "/jobs", json: body).status == 200)
        #expect(try fake.call("GET", "/jobs/eu_1?location=EU").status == 200)
        #expect(try fake.call("GET", "/jobs/eu_1?location=US").status == 404)
        let again = try fake.call("POST", "/jobs", json: body)
        #expect(again.errorMessage == "Already Exists: Job test-project:EU.eu_1")
    }

    /// A load whose reply is lost to a 500 after commit is answered 409 on retry, and jobs.get shows it DONE
    /// with its rows loaded once.
    @Test func retryAfterAmbiguousFailureFindsTheJob() throws {
        let fake = try FakeHarness { $0.jobSteps = 0 }
        defer { fake.stop() }
        try fake.makeTable(Self.schema)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=1&kinds=500-after-commit").status == 200)
        #expect(try postMultipart(fake, jobId: "ambiguous_1", media: Self.ndjson(4), ensureTable: false).status == 500)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=0").status == 200)
        #expect(try postMultipart(fake, jobId: "ambiguous_1", media: Self.ndjson(4)).status == 409)
        let job = try fake.call("GET", "/jobs/ambiguous_1?location=US")
        #expect((job.json["status"] as? [String: Any])?["state"] as? String == "DONE")
        #expect(try fake.storedRows().count == 4)
    }
}
