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

    /// - Parameters:
    ///   - extractedAt: RFC 3339 UTC with microseconds, the same for every row of a run.
    public init(company: String, table: String, runID: String, extractedAt: String) {
        self.company = company
        self.table = table
        self.runID = runID
        self.extractedAt = extractedAt
        buffer.reserveCapacity(1024)
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
        buffer.removeAll(keepingCapacity: true)
        buffer.append(UInt8(ascii: "{"))
        JSONText.appendKey("_insert_id", to: &buffer)
        JSONText.appendString(
            Self.insertID(company: company, table: table, keyValues: keyValues, version: version),
            to: &buffer
        )
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_company", to: &buffer)
        JSONText.appendString(company, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_table", to: &buffer)
        JSONText.appendString(table, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_version", to: &buffer)
        JSONText.appendString(version, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_deleted", to: &buffer)
        if deleted {
            JSONText.appendLiteral("true", to: &buffer)
        } else {
            JSONText.appendLiteral("false", to: &buffer)
        }
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_extracted_at", to: &buffer)
        JSONText.appendString(extractedAt, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONText.appendKey("_run_id", to: &buffer)
        JSONText.appendString(runID, to: &buffer)
    }
}
