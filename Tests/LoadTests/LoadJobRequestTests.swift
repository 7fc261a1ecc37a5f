import Testing

@testable import Load

@Suite struct LoadJobRequestTests {
    /// The job id is deterministic per segment, keeps only [A-Za-z0-9_-], and retries add `_r<N>`.
    @Test func jobIDIsDeterministicAndSanitised() {
        let sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        #expect(
            LoadJobRequestBuilder.jobID(table: "InvMaster+", sequence: 7, segmentSHA256: sha)
                == "syspro_bq_InvMaster__7_0123456789abcdef01234567"
        )
        #expect(
            LoadJobRequestBuilder.jobID(table: "T", sequence: 1, segmentSHA256: sha, retry: 2)
                == "syspro_bq_T_1_0123456789abcdef01234567_r2"
        )
    }

    /// The multipart body is the JSON part then the raw segment bytes, CRLF lines, as the official client builds it.
    @Test func multipartBodyIsGolden() {
        let job = LoadJobRequestBuilder.job(
            projectID: "p",
            datasetID: "ds",
            tableID: "T",
            jobID: "j1",
            location: "US"
        )
        let media: [UInt8] = [0x1F, 0x8B, 0x08, 0x00]
        let (body, contentType) = LoadJobRequestBuilder.multipart(metadata: job, media: media, boundary: "B0")
        let json =
            #"{"jobReference":{"projectId":"p","jobId":"j1","location":"US"},"configuration":{"load":{"#
            + #""destinationTable":{"projectId":"p","datasetId":"ds","tableId":"T"},"#
            + #""sourceFormat":"NEWLINE_DELIMITED_JSON","writeDisposition":"WRITE_APPEND","#
            + #""createDisposition":"CREATE_NEVER","ignoreUnknownValues":false,"maxBadRecords":0}}}"#
        let expected =
            Array(
                "--B0\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n\(json)\r\n--B0\r\ncontent-type: */*\r\n\r\n"
                    .utf8
            )
            + media + Array("\r\n--B0--\r\n".utf8)
        #expect(body == expected)
        #expect(contentType == "multipart/related; boundary=\"B0\"")
        #expect(!job.text.contains("compression"))
    }

    /// A gs:// load job lists its source URIs.
    @Test func sourceURIJobListsTheURIs() {
        let job = LoadJobRequestBuilder.job(
            projectID: "p",
            datasetID: "ds",
            tableID: "T",
            jobID: "j",
            location: "EU",
            sourceURIs: ["gs://b/x/segment-000000000001.ndjson.gz"]
        )
        #expect(job.text.contains(#""sourceUris":["gs://b/x/segment-000000000001.ndjson.gz"],"#))
    }

    /// The boundary never occurs in the media.
    @Test func boundaryAvoidsTheMedia() {
        let media = Array("xx===============abc==yy".utf8)
        #expect(LoadJobRequestBuilder.boundary(seed: "abc", avoiding: media) == "===============abc_1==")
    }

    /// Content-Range and the 308 Range header are read as google-resumable-media does.
    @Test func resumableRangesAreComputed() {
        #expect(
            LoadJobRequestBuilder.contentRange(offset: 0, length: 262_144, total: 300_000) == "bytes 0-262143/300000"
        )
        #expect(LoadJobRequestBuilder.contentRange(offset: 0, length: 0, total: 10) == "bytes */10")
        #expect(LoadJobRequestBuilder.committedOffset(rangeHeader: "bytes=0-262143") == 262_144)
        #expect(LoadJobRequestBuilder.committedOffset(rangeHeader: nil) == 0)
    }

    /// Job resources are read for state, errorResult and output rows.
    @Test func jobStatusIsParsed() throws {
        let body = Array(
            #"{"jobReference":{"jobId":"j"},"status":{"state":"DONE","errorResult":{"reason":"backendError","message":"m"}},"statistics":{"load":{"outputRows":"3"}}}"#
                .utf8
        )
        let status = try #require(JobStatus.parse(JSONDocument.lenient(body), fallbackJobID: "x"))
        #expect(status.failed)
        #expect(status.errorReason == "backendError")
        #expect(status.outputRows == 3)
    }
}
