import Foundation
import SegmentLog

/// Builds load-job resources and upload bodies (pure; golden-tested).
///
/// A segment is uploaded as it is: gzip NDJSON, `sourceFormat: NEWLINE_DELIMITED_JSON`, and no `compression`
/// key (JobConfigurationLoad has none; BigQuery detects gzip itself and rejects unknown fields).
enum LoadJobRequestBuilder {
    /// The deterministic job id of a segment: `syspro_bq_<table>_<seq>_<first 24 hex of the segment SHA-256>`,
    /// plus `_r<N>` for the N-th retry after a failed job. Only `[A-Za-z0-9_-]` survive; anything else becomes `_`.
    ///
    /// The same segment always maps to the same id, so a re-sent `jobs.insert` answers 409 `duplicate` instead
    /// of loading the rows twice (job metadata is kept about six months).
    static func jobID(table: String, sequence: Int, segmentSHA256: String, retry: Int = 0) -> String {
        var id = "syspro_bq_\(table)_\(sequence)_\(segmentSHA256.prefix(24))"
        if retry > 0 { id += "_r\(retry)" }
        return BigQueryNames.sanitizedJobIDComponent(id)
    }

    /// Where a segment is staged for a `gs://` load, under the configured prefix:
    /// `<company>/<table>/segment-<seq>-<first 24 hex of its SHA-256>.ndjson.gz`.
    ///
    /// Every stream numbers its segments from 1, so the segment file name alone is not unique across streams
    /// (two tables sharing one object was the cause of wrong rows in bqemulator, docs/operations.md). The hash
    /// makes the name stand for this content only; the `.gz` suffix is how BigQuery (and bqemulator's DuckDB)
    /// recognise gzip.
    static func stagedObjectPath(_ manifest: Manifest) -> String {
        let name = manifest.segmentFileName
        let stem = name.hasSuffix(".ndjson.gz") ? String(name.dropLast(".ndjson.gz".count)) : name
        return
            "\(manifest.stream.company)/\(manifest.stream.table)/\(stem)-\(manifest.segmentSHA256.prefix(24)).ndjson.gz"
    }

    /// The Job resource: append the file's rows to the existing table, fail on any bad record.
    static func job(
        projectID: String,
        datasetID: String,
        tableID: String,
        jobID: String,
        location: String,
        sourceURIs: [String]? = nil
    ) -> JSONValue {
        var load: [JSONMember] = [
            JSONMember(
                "destinationTable",
                ["projectId": .string(projectID), "datasetId": .string(datasetID), "tableId": .string(tableID)]
            )
        ]
        if let sourceURIs { load.append(JSONMember("sourceUris", .array(sourceURIs.map { .string($0) }))) }
        load += [
            JSONMember("sourceFormat", "NEWLINE_DELIMITED_JSON"),
            JSONMember("writeDisposition", "WRITE_APPEND"),
            JSONMember("createDisposition", "CREATE_NEVER"),
            JSONMember("ignoreUnknownValues", false),
            JSONMember("maxBadRecords", 0),
        ]
        return [
            "jobReference": ["projectId": .string(projectID), "jobId": .string(jobID), "location": .string(location)],
            "configuration": ["load": .object(load)],
        ]
    }

    /// A multipart/related body in the shape google-resumable-media builds (`construct_multipart_request`):
    /// the JSON part, then the media part as `*/*`, CRLF line ends.
    /// - Returns: the body and the `Content-Type` header value.
    static func multipart(metadata: JSONValue, media: [UInt8], boundary: String) -> (body: [UInt8], contentType: String)
    {
        var body: [UInt8] = []
        body.reserveCapacity(media.count + 512)
        body += "--\(boundary)\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n".utf8
        body += metadata.text.utf8
        body += "\r\n--\(boundary)\r\ncontent-type: */*\r\n\r\n".utf8
        body += media
        body += "\r\n--\(boundary)--\r\n".utf8
        return (body, "multipart/related; boundary=\"\(boundary)\"")
    }

    /// A boundary that does not occur in `media`: `===============<seed>==`, with a counter added if needed.
    static func boundary(seed: String, avoiding media: [UInt8]) -> String {
        var candidate = "===============\(seed)=="
        var attempt = 0
        while contains(media, Array(candidate.utf8)) {
            attempt += 1
            candidate = "===============\(seed)_\(attempt)=="
        }
        return candidate
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// `Content-Range` of a resumable chunk: `bytes a-b/total`, or `bytes */total` to ask for the committed range.
    static func contentRange(offset: Int, length: Int, total: Int) -> String {
        length == 0 ? "bytes */\(total)" : "bytes \(offset)-\(offset + length - 1)/\(total)"
    }

    /// The next offset the server wants after a 308, from its `Range: bytes=0-N` header (none: nothing stored).
    static func committedOffset(rangeHeader: String?) -> Int {
        guard let range = rangeHeader, let dash = range.lastIndex(of: "-"),
            let last = Int(range[range.index(after: dash)...].trimmingCharacters(in: .whitespaces))
        else { return 0 }
        return last + 1
    }
}
