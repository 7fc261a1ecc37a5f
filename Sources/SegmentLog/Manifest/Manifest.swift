internal import Common

/// The record that seals one segment (docs/staging-format.md §4).
///
/// Build one with the writer's ``SegmentWriter/seal(_:)``; read them with ``StagingLog/manifests(of:)``.
/// Its canonical encoding is the manifest file; ``manifestHash`` covers every other field, including
/// ``previousManifestHash``, so the manifests of a stream form a hash chain. This type is a value type
/// and is `Sendable`.
public struct Manifest: Sendable, Hashable {
    /// `formatVersion` (§4.1).
    public let formatVersion: Int64
    /// The stream the segment belongs to.
    public let stream: StreamID
    /// The segment's sequence number, ≥ 1.
    public let sequence: UInt64
    /// The segment file name, `segment-<seq>.ndjson.gz`.
    public let segmentFileName: String
    /// When the segment was sealed, RFC 3339 UTC with milliseconds.
    public let createdAt: String
    /// The extract run that wrote the segment.
    public let runID: String
    /// A description of the source query; never a secret.
    public let sourceQuery: String
    /// The change-cursor range the rows cover.
    public let cursor: CursorRange
    /// The business-date range of the rows, if any.
    public let businessDates: BusinessDateRange?
    /// Lines in the segment.
    public let rowCount: Int64
    /// Size of the segment file in bytes.
    public let compressedSize: Int64
    /// Uncompressed bytes of the segment.
    public let uncompressedSize: Int64
    /// SHA-256 hex of the segment file.
    public let segmentSHA256: String
    /// The block index, in file order.
    public let blocks: [BlockIndexEntry]
    /// Control totals supplied by Stage.
    public private(set) var controlTotals: ControlTotals
    /// The fingerprint of the stream schema the rows were written with.
    public let schemaFingerprint: String
    /// The previous manifest's hash, or ``Format/genesisHash`` for sequence 1.
    public let previousManifestHash: String
    /// SHA-256 hex of the canonical encoding of every other field.
    public private(set) var manifestHash: String

    /// Creates a manifest carrying `manifestHash` as decoded, or, when it is `nil`, computing it.
    ///
    /// The writer passes `""` and then calls ``sealEncoding()``, which computes the hash and the file's bytes
    /// from one encoding.
    init(
        stream: StreamID,
        sequence: UInt64,
        createdAt: String,
        runID: String,
        sourceQuery: String,
        cursor: CursorRange,
        businessDates: BusinessDateRange?,
        rowCount: Int64,
        compressedSize: Int64,
        uncompressedSize: Int64,
        segmentSHA256: String,
        blocks: [BlockIndexEntry],
        controlTotals: ControlTotals,
        schemaFingerprint: String,
        previousManifestHash: String,
        manifestHash: String? = nil
    ) {
        self.formatVersion = Format.formatVersion
        self.stream = stream
        self.sequence = sequence
        self.segmentFileName = SegmentFileName.segment(sequence).rendered
        self.createdAt = createdAt
        self.runID = runID
        self.sourceQuery = sourceQuery
        self.cursor = cursor
        self.businessDates = businessDates
        self.rowCount = rowCount
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.segmentSHA256 = segmentSHA256
        self.blocks = blocks
        self.controlTotals = controlTotals
        self.schemaFingerprint = schemaFingerprint
        self.previousManifestHash = previousManifestHash
        self.manifestHash = manifestHash ?? ""
        if manifestHash == nil { self.manifestHash = computedHash }
    }

    /// Computes ``manifestHash`` and returns the manifest file's bytes, both from one canonical encoding: the
    /// encoding without `manifestHash` is hashed, then the member is inserted where it sorts. Sealing a
    /// GenTransaction segment encodes (and sorts) about a megabyte of GL group totals once, not twice.
    mutating func sealEncoding() -> [UInt8] {
        var (bytes, member) = canonicalEncoding(includingHash: false)
        manifestHash = Self.hash(of: bytes[...], excluding: member)
        // In place (the encoding reserved room for it): no second megabyte-sized buffer while sealing.
        bytes.replaceSubrange(member, with: "\"manifestHash\":\"\(manifestHash)\",".utf8)
        bytes.append(Format.lineFeed)
        return bytes
    }

    /// The manifest's file name, `manifest-<seq>.json`.
    public var fileName: String { SegmentFileName.manifest(sequence).rendered }

    /// SHA-256 hex of the canonical encoding without `manifestHash`: what ``manifestHash`` must equal.
    public var computedHash: String {
        let (bytes, hashMember) = canonicalEncoding(includingHash: false)
        return Self.hash(of: bytes[...], excluding: hashMember)
    }

    /// The manifest file's bytes: the canonical encoding and one LF.
    public var fileBytes: [UInt8] {
        var bytes = canonicalEncoding(includingHash: true).bytes
        bytes.append(Format.lineFeed)
        return bytes
    }

    /// A copy without the control totals' per-group sums, for readers that hold many manifests and never use
    /// them (a GenTransaction manifest's groups are about a megabyte per 100k rows). It keeps ``manifestHash``
    /// (the hash of the full manifest), so it is not re-encoded or re-verified: ``fileBytes`` and
    /// ``computedHash`` of the copy describe a different manifest.
    public func droppingGroupTotals() -> Manifest {
        guard controlTotals.groupCount > 0 else { return self }
        var copy = self
        copy.controlTotals = controlTotals.droppingGroups
        return copy
    }

    /// The row range `0..<rowCount`.
    public var rows: Range<Int64> { 0..<rowCount }
}

/// The change-cursor range a segment covers; both ends opaque text or `nil`. Value type, `Sendable`.
public struct CursorRange: Sendable, Hashable, Codable {
    public let from: String?
    public let to: String?

    public init(from: String?, to: String?) {
        self.from = from
        self.to = to
    }
}

/// An inclusive range of business dates, `YYYY-MM-DD` each. Value type, `Sendable`.
public struct BusinessDateRange: Sendable, Hashable, Codable {
    public let min: String
    public let max: String

    /// - Throws: `SysproBQError` `.invalidData` when a date is not a valid `YYYY-MM-DD` or `min > max`.
    public init(min: String, max: String) throws {
        guard BusinessDateRange.isDate(min), BusinessDateRange.isDate(max), min <= max else {
            throw SysproBQError(
                .invalidData,
                "The business-date range \(min)...\(max) is not two YYYY-MM-DD dates in order",
                disposition: .terminal
            )
        }
        self.min = min
        self.max = max
    }

    /// Whether this range shares at least one day with `from...to`.
    public func overlaps(from: String, to: String) -> Bool { min <= to && max >= from }

    /// Whether `text` is a calendar date `YYYY-MM-DD` (proleptic Gregorian, years 0001-9999).
    public static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1,
            (1...12).contains(month)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}

/// One entry of a segment's block index (§4.4). Value type, `Sendable`.
public struct BlockIndexEntry: Sendable, Hashable, Codable {
    /// Offset of the gzip member's first byte in the segment file.
    public let compressedOffset: Int64
    /// Bytes of the member, header through trailer.
    public let compressedLength: Int64
    /// CRC-32 of those compressed bytes.
    public let crc32: UInt32
    /// `_line` of the block's first row.
    public let firstRow: Int64
    /// Rows in the block.
    public let rowCount: Int64
    /// Uncompressed bytes of the block.
    public let uncompressedLength: Int64

    public init(
        compressedOffset: Int64,
        compressedLength: Int64,
        crc32: UInt32,
        firstRow: Int64,
        rowCount: Int64,
        uncompressedLength: Int64
    ) {
        self.compressedOffset = compressedOffset
        self.compressedLength = compressedLength
        self.crc32 = crc32
        self.firstRow = firstRow
        self.rowCount = rowCount
        self.uncompressedLength = uncompressedLength
    }

    /// The rows `firstRow ..< firstRow + rowCount`.
    public var rows: Range<Int64> { firstRow..<(firstRow + rowCount) }
}

/// Control totals Stage supplies when sealing (§4.1). Value type, `Sendable`.
///
/// Sums are exact decimal text (`-?DIGITS(.DIGITS)?`), never binary floating point.
public struct ControlTotals: Sendable, Hashable, Codable {
    /// Rows in the segment; must equal the rows appended.
    public let rowCount: Int64
    /// Exact sum per amount column, as decimal text.
    public let amounts: [String: String]
    /// Optional per-group totals, e.g. `["journal 1042": ["debit": "10.00", "credit": "10.00"]]`.
    ///
    /// Totals built by a writer with ``GroupTotalsEncoder`` hold the groups as their canonical encoding (a
    /// GenTransaction segment of 100k rows has ~17k groups: as dictionaries ~5 MB at seal time, encoded ~1 MB);
    /// this property then decodes them on each call.
    public var groups: [String: [String: String]] {
        switch groupStorage {
        case .members(let groups): return groups
        case .encoded(let encoded): return encoded.decoded()
        }
    }

    /// How many groups there are (without decoding encoded groups).
    public var groupCount: Int {
        switch groupStorage {
        case .members(let groups): return groups.count
        case .encoded(let encoded): return encoded.count
        }
    }

    private enum GroupStorage: Sendable {
        case members([String: [String: String]])
        case encoded(EncodedGroupTotals)
    }

    private let groupStorage: GroupStorage

    /// - Throws: `SysproBQError` `.invalidData` when a sum is not decimal text.
    public init(rowCount: Int64, amounts: [String: String], groups: [String: [String: String]] = [:]) throws {
        for (name, value) in amounts where !ControlTotals.isDecimalText(value) {
            throw ControlTotals.notDecimal(name, value)
        }
        for (group, sums) in groups {
            for (name, value) in sums where !ControlTotals.isDecimalText(value) {
                throw ControlTotals.notDecimal("\(group).\(name)", value)
            }
        }
        self.rowCount = rowCount
        self.amounts = amounts
        self.groupStorage = .members(groups)
    }

    /// Totals whose groups were encoded by a ``GroupTotalsEncoder`` (which checked names, order and values).
    ///
    /// - Throws: `SysproBQError` `.invalidData` when an amount is not decimal text.
    public init(rowCount: Int64, amounts: [String: String], encodedGroups: EncodedGroupTotals) throws {
        for (name, value) in amounts where !ControlTotals.isDecimalText(value) {
            throw ControlTotals.notDecimal(name, value)
        }
        self.rowCount = rowCount
        self.amounts = amounts
        self.groupStorage = .encoded(encodedGroups)
    }

    /// Appends the canonical encoding of ``groups`` (a JSON object, keys in UTF-8 byte order).
    func appendCanonicalGroups(to output: inout [UInt8]) {
        switch groupStorage {
        case .encoded(let encoded):
            output.append(contentsOf: encoded.bytes)
        case .members(let groups):
            output.append(UInt8(ascii: "{"))
            var first = true
            for group in CanonicalJSON.sortedMembers(groups) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                CanonicalJSON.appendString(group.key, to: &output)
                output.append(UInt8(ascii: ":"))
                CanonicalJSON.appendStringMap(group.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    public static func == (left: ControlTotals, right: ControlTotals) -> Bool {
        guard left.rowCount == right.rowCount, left.amounts == right.amounts,
            left.groupCount == right.groupCount
        else { return false }
        if case .encoded(let leftGroups) = left.groupStorage, case .encoded(let rightGroups) = right.groupStorage {
            return leftGroups.bytes == rightGroups.bytes
        }
        return left.groups == right.groups
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rowCount)
        hasher.combine(amounts)
        hasher.combine(groupCount)
    }

    private enum CodingKeys: String, CodingKey {
        case rowCount, amounts, groups
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            rowCount: try container.decode(Int64.self, forKey: .rowCount),
            amounts: try container.decode([String: String].self, forKey: .amounts),
            groups: try container.decode([String: [String: String]].self, forKey: .groups)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rowCount, forKey: .rowCount)
        try container.encode(amounts, forKey: .amounts)
        try container.encode(groups, forKey: .groups)
    }

    /// Whether `text` is `-?DIGITS(.DIGITS)?`.
    public static func isDecimalText(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits() -> Bool {
                let start = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index > start
            }
            guard digits() else { return false }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() else { return false }
            }
            return index == bytes.count
        }
    }

    /// These totals without the per-group sums: for readers that hold many manifests but never use the groups.
    var droppingGroups: ControlTotals {
        ControlTotals(rowCount: rowCount, validAmounts: amounts)
    }

    /// Totals whose amounts are already known to be decimal text, without groups.
    private init(rowCount: Int64, validAmounts: [String: String]) {
        self.rowCount = rowCount
        self.amounts = validAmounts
        self.groupStorage = .members([:])
    }

    private static func notDecimal(_ name: String, _ value: String) -> SysproBQError {
        SysproBQError(
            .invalidData,
            "Control total \(String(reflecting: name)) = \(String(reflecting: value)) is not decimal text",
            remedy: "Sum amounts exactly and pass the sum as text like -1234.50.",
            disposition: .terminal
        )
    }
}
