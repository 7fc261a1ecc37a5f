import Common

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
    /// The insertId material of the current row: company NUL table NUL (fixed), then key values and version.
    private var material: [UInt8] = []
    private let fixedMaterialCount: Int
    /// `","_company":"A","_table":"T","_version":` — the fixed bytes between the insertId and the version.
    private let afterInsertID: [UInt8]
    /// `,"_extracted_at":"…","_run_id":"…"` — the fixed bytes after `_deleted`.
    private let afterDeleted: [UInt8]
    /// One SHA-256 context reused for every row (a fresh EVP context per row cost more than the hashing).
    private let hasher = SHA256Hasher()
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
        beginLine(keyValues: keyValues, version: version, deleted: false)
        if !columnsJSON.isEmpty {
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: columnsJSON)
        }
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    /// Returns the line of a tombstone: lineage fields and key columns only.
    public mutating func tombstone(keyColumns: [String], keyValues: [String], version: String) -> [UInt8] {
        precondition(keyColumns.count == keyValues.count, "one value per key column")
        beginLine(keyValues: keyValues, version: version, deleted: true)
        for (column, value) in zip(keyColumns, keyValues) {
            buffer.append(UInt8(ascii: ","))
            JSONText.appendKey(column, to: &buffer)
            JSONText.appendString(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    private mutating func beginLine(keyValues: [String], version: String, deleted: Bool) {
        // The insertId (same bytes as ``insertID(company:table:keyValues:version:)``), hashed with the reused
        // context from a reused material buffer: no allocation per row.
        material.removeSubrange(fixedMaterialCount...)
        for value in keyValues {
            Self.appendUTF8(value, to: &material)
            material.append(0)
        }
        Self.appendUTF8(version, to: &material)
        material.append(0)
        buffer.removeAll(keepingCapacity: true)
        JSONText.appendLiteral("{\"_insert_id\":\"", to: &buffer)
        withUnsafeTemporaryAllocation(byteCount: SHA256Digest.byteCount, alignment: 8) { digest in
            material.withUnsafeBytes { hasher.update($0) }
            hasher.finalize(into: digest)
            for index in 0..<16 {
                let byte = digest[index]
                buffer.append(Self.hexDigits[Int(byte >> 4)])
                buffer.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: afterInsertID)
        JSONText.appendString(version, to: &buffer)
        if deleted {
            JSONText.appendLiteral(",\"_deleted\":true", to: &buffer)
        } else {
            JSONText.appendLiteral(",\"_deleted\":false", to: &buffer)
        }
        buffer.append(contentsOf: afterDeleted)
    }

    @inline(__always)
    private static func appendUTF8(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { output.append(contentsOf: $0) }
    }
}
