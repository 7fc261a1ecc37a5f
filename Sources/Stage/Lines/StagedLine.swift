import Common
import Extract

/// Builds the staged NDJSON line of one row, as CONVENTIONS/the staging format define it:
/// `{"_insert_id":…,"_company":…,"_table":…,"_version":…,"_deleted":…,"_extracted_at":…,"_run_id":…,<columns>}`.
///
/// SegmentLog's writer later prefixes `"_segment"` and `"_line"`. The line is BigQuery-ready: decimals are
/// JSON strings of the exact text SYSPRO sent, dates ISO, keys byte-exact (design brief decisions 2, 3, 7).
///
/// This type is a value type; a builder reuses its buffer between rows, so it is not `Sendable` in use.
public struct StagedLineBuilder {
    public let company: String
    public let table: String
    public let runID: String
    public let extractedAt: String
    private var buffer: [UInt8] = []
    /// Where ``withLine(keyValues:version:columnsJSON:_:)`` writes a live row's line (reused between rows; shared
    /// by copies of the builder, which are never used at once).
    private let scratch = ScratchBytes(capacity: 2048)
    /// The insertId material of the current row: company NUL table NUL (fixed), then key values and version.
    private var material: [UInt8] = []
    private let fixedMaterialCount: Int
    /// `","_company":"A","_table":"T","_version":` — the fixed bytes between the insertId and the version.
    private let afterInsertID: [UInt8]
    /// `,"_extracted_at":"…","_run_id":"…"` — the fixed bytes after `_deleted`.
    private let afterDeleted: [UInt8]
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// - Parameters:
    ///   - extractedAt: RFC 3339 UTC with microseconds, the same for every row of a run.
    public init(company: String, table: String, runID: String, extractedAt: String) {
        self.company = company
        self.table = table
        self.runID = runID
        self.extractedAt = extractedAt
        buffer.reserveCapacity(1024)
        material.append(contentsOf: company.utf8)
        material.append(0)
        material.append(contentsOf: table.utf8)
        material.append(0)
        fixedMaterialCount = material.count
        var middle: [UInt8] = [UInt8(ascii: ",")]
        JSONText.appendKey("_company", to: &middle)
        JSONText.appendString(company, to: &middle)
        middle.append(UInt8(ascii: ","))
        JSONText.appendKey("_table", to: &middle)
        JSONText.appendString(table, to: &middle)
        middle.append(UInt8(ascii: ","))
        JSONText.appendKey("_version", to: &middle)
        afterInsertID = middle
        var tail: [UInt8] = [UInt8(ascii: ",")]
        JSONText.appendKey("_extracted_at", to: &tail)
        JSONText.appendString(extractedAt, to: &tail)
        tail.append(UInt8(ascii: ","))
        JSONText.appendKey("_run_id", to: &tail)
        JSONText.appendString(runID, to: &tail)
        afterDeleted = tail
    }

    /// The insertId of a record version: the first 32 hex digits of SHA-256 over company, table, each key
    /// value and the version, each followed by one NUL byte (design brief decision 6).
    public static func insertID(company: String, table: String, keyValues: [String], version: String) -> String {
        var material: [UInt8] = []
        material.reserveCapacity(64)
        for part in [company, table] + keyValues + [version] {
            material.append(contentsOf: part.utf8)
            material.append(0)
        }
        return String(SHA256.hash(material).hex.prefix(32))
    }

    /// The content-hash version of a row: `h:` and the first 32 hex digits of SHA-256 of its source columns.
    public static func contentVersion(columnsJSON: [UInt8]) -> String {
        "h:" + SHA256.hash(columnsJSON).hex.prefix(32)
    }

    /// The version written on a tombstone for a key whose last version had digest `previous`: `d:` and
    /// 32 hex digits, distinct for each deletion of a key that was re-created in between.
    public static func tombstoneVersion(previous: VersionIndex.Digest) -> String {
        var material: [UInt8] = Array("deleted".utf8)
        for shift in stride(from: 56, through: 0, by: -8) {
            material.append(UInt8(truncatingIfNeeded: previous.high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            material.append(UInt8(truncatingIfNeeded: previous.low >> UInt64(shift)))
        }
        return "d:" + SHA256.hash(material).hex.prefix(32)
    }

    /// Returns the line of a live row.
    ///
    /// - Parameter columnsJSON: `"Col":value,…` of the source columns, in staged format, without braces.
    public mutating func line(keyValues: [String], version: String, columnsJSON: [UInt8]) -> [UInt8] {
        withLine(keyValues: keyValues, version: version, columnsJSON: columnsJSON) { Array($0) }
    }

    /// Calls `body` with the line of a live row (the bytes ``line(keyValues:version:columnsJSON:)`` returns),
    /// written in memory the builder reuses: valid during `body` only. The extract's row path: one capacity
    /// check per row, no array.
    public mutating func withLine<Result>(
        keyValues: [String],
        version: String,
        columnsJSON: [UInt8],
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        var sink = scratch.sink(minimum: headCapacity(version: version) + columnsJSON.count + 2)
        writeHead(keyValues: keyValues, version: version, deleted: false, to: &sink)
        if !columnsJSON.isEmpty {
            sink.append(UInt8(ascii: ","))
            columnsJSON.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
        }
        sink.append(UInt8(ascii: "}"))
        return try body(UnsafeRawBufferPointer(sink.written))
    }

    /// Returns the line of a tombstone: lineage fields and key columns only.
    public mutating func tombstone(keyColumns: [String], keyValues: [String], version: String) -> [UInt8] {
        precondition(keyColumns.count == keyValues.count, "one value per key column")
        var sink = scratch.sink(minimum: headCapacity(version: version))
        writeHead(keyValues: keyValues, version: version, deleted: true, to: &sink)
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: sink.written)
        for (column, value) in zip(keyColumns, keyValues) {
            buffer.append(UInt8(ascii: ","))
            JSONText.appendKey(column, to: &buffer)
            JSONText.appendString(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    /// The most bytes ``writeHead(keyValues:version:deleted:to:)`` writes: a version escaped at six bytes per
    /// byte at most (`\u00XX`).
    private func headCapacity(version: String) -> Int {
        #"{"_insert_id":""#.utf8.count + 32 + 1 + afterInsertID.count + version.utf8.count * 6 + 2
            + #","_deleted":false"#.utf8.count + afterDeleted.count
    }

    /// Writes `{"_insert_id":…` up to and including `_run_id`'s value (no closing brace).
    private mutating func writeHead(
        keyValues: [String],
        version: String,
        deleted: Bool,
        to sink: inout UncheckedByteSink
    ) {
        // The insertId (same bytes as ``insertID(company:table:keyValues:version:)``), hashed on a stack context
        // from a reused material buffer: no allocation per row.
        material.removeSubrange(fixedMaterialCount...)
        for value in keyValues {
            Self.appendUTF8(value, to: &material)
            material.append(0)
        }
        Self.appendUTF8(version, to: &material)
        material.append(0)
        sink.append(#"{"_insert_id":""#)
        withUnsafeTemporaryAllocation(byteCount: SHA256Digest.byteCount, alignment: 8) { digest in
            material.withUnsafeBytes { SHA256.hash($0, into: digest) }
            Self.hexDigits.withUnsafeBufferPointer { hex in
                for index in 0..<16 {
                    let byte = digest[index]
                    sink.append(hex[Int(byte >> 4)])
                    sink.append(hex[Int(byte & 0x0F)])
                }
            }
        }
        sink.append(UInt8(ascii: "\""))
        afterInsertID.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
        var version = version
        version.withUTF8 { bytes in
            if bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                sink.append(UInt8(ascii: "\""))
                sink.append(contentsOf: bytes)
                sink.append(UInt8(ascii: "\""))
            } else {
                var escaped: [UInt8] = []
                JSONText.appendString(String(decoding: bytes, as: UTF8.self), to: &escaped)
                escaped.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
            }
        }
        sink.append(deleted ? #","_deleted":true"# : #","_deleted":false"#)
        afterDeleted.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func appendUTF8(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { output.append(contentsOf: $0) }
    }
}
