/// The one owner of the staging log's file-name grammar (docs/staging-format.md §1.2).
///
/// Every name a stream directory may hold is rendered and parsed here and nowhere else. Numbers are
/// zero-padded so that `ls` lists files in sequence order. This type is a value type and is `Sendable`.
public enum SegmentFileName: Sendable, Hashable, CustomStringConvertible {
    /// `segment-<seq>.ndjson.gz`: a sealed segment.
    case segment(UInt64)
    /// `manifest-<seq>.json`: the manifest that seals a segment.
    case manifest(UInt64)
    /// `segment-<seq>.ndjson.gz.tmp`: a segment being written.
    case segmentTemp(UInt64)
    /// `manifest-<seq>.json.tmp`: a manifest being written.
    case manifestTemp(UInt64)
    /// `schema-<fingerprint>.json`: a stream schema.
    case schema(fingerprint: String)
    /// `journal-<n>.log`: a load-journal file.
    case journal(UInt64)
    /// `rows-<seq>.ndjson`: rejected rows of a segment, in `quarantine/`.
    case quarantinedRows(UInt64)

    /// The file name, e.g. `segment-000000000012.ndjson.gz`.
    ///
    /// Rendering a number outside the grammar's range is a programming error and traps.
    public var rendered: String {
        switch self {
        case .segment(let seq):
            return Format.segmentPrefix + Self.pad(seq, Format.sequenceDigits) + Format.segmentSuffix
        case .manifest(let seq):
            return Format.manifestPrefix + Self.pad(seq, Format.sequenceDigits) + Format.manifestSuffix
        case .segmentTemp(let seq):
            return SegmentFileName.segment(seq).rendered + Format.tempSuffix
        case .manifestTemp(let seq):
            return SegmentFileName.manifest(seq).rendered + Format.tempSuffix
        case .schema(let fingerprint):
            precondition(Self.isFingerprint(fingerprint), "not a schema fingerprint: \(fingerprint)")
            return Format.schemaPrefix + fingerprint + Format.schemaSuffix
        case .journal(let number):
            precondition(number >= 1 && number <= Format.maximumJournalNumber, "journal number out of range")
            return Format.journalPrefix + Self.pad(number, Format.journalDigits) + Format.journalSuffix
        case .quarantinedRows(let seq):
            return Format.rowsPrefix + Self.pad(seq, Format.sequenceDigits) + Format.rowsSuffix
        }
    }

    public var description: String { rendered }

    /// The sequence number the name refers to, if it names a segment, manifest or their temp files or rows.
    public var sequence: UInt64? {
        switch self {
        case .segment(let seq), .manifest(let seq), .segmentTemp(let seq), .manifestTemp(let seq),
            .quarantinedRows(let seq):
            return seq
        case .schema, .journal:
            return nil
        }
    }

    /// Parses a file name; returns `nil` for anything outside the grammar (wrong width, zero, a sign,
    /// upper-case hex, an unknown prefix or suffix).
    public init?(parsing name: String) {
        let bytes = Array(name.utf8)
        if let seq = Self.number(
            in: bytes,
            prefix: Format.segmentPrefix,
            suffix: Format.segmentSuffix + Format.tempSuffix,
            digits: Format.sequenceDigits
        ) {
            self = .segmentTemp(seq)
        } else if let seq = Self.number(
            in: bytes,
            prefix: Format.segmentPrefix,
            suffix: Format.segmentSuffix,
            digits: Format.sequenceDigits
        ) {
            self = .segment(seq)
        } else if let seq = Self.number(
            in: bytes,
            prefix: Format.manifestPrefix,
            suffix: Format.manifestSuffix + Format.tempSuffix,
            digits: Format.sequenceDigits
        ) {
            self = .manifestTemp(seq)
        } else if let seq = Self.number(
            in: bytes,
            prefix: Format.manifestPrefix,
            suffix: Format.manifestSuffix,
            digits: Format.sequenceDigits
        ) {
            self = .manifest(seq)
        } else if let number = Self.number(
            in: bytes,
            prefix: Format.journalPrefix,
            suffix: Format.journalSuffix,
            digits: Format.journalDigits
        ) {
            self = .journal(number)
        } else if let seq = Self.number(
            in: bytes,
            prefix: Format.rowsPrefix,
            suffix: Format.rowsSuffix,
            digits: Format.sequenceDigits
        ) {
            self = .quarantinedRows(seq)
        } else if name.hasPrefix(Format.schemaPrefix), name.hasSuffix(Format.schemaSuffix),
            bytes.count == Format.schemaPrefix.utf8.count + 64 + Format.schemaSuffix.utf8.count
        {
            let start = Format.schemaPrefix.utf8.count
            let fingerprint = String(decoding: bytes[start..<(start + 64)], as: UTF8.self)
            guard Self.isFingerprint(fingerprint) else { return nil }
            self = .schema(fingerprint: fingerprint)
        } else {
            return nil
        }
    }

    /// Whether `text` is 64 lower-case hex digits.
    static func isFingerprint(_ text: String) -> Bool {
        let bytes = text.utf8
        return bytes.count == 64 && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private static func pad(_ value: UInt64, _ digits: Int) -> String {
        let text = String(value)
        precondition(value >= 1 && text.count <= digits, "\(value) does not fit the file-name grammar")
        return String(repeating: "0", count: digits - text.count) + text
    }

    private static func number(in bytes: [UInt8], prefix: String, suffix: String, digits: Int) -> UInt64? {
        let prefixBytes = Array(prefix.utf8)
        let suffixBytes = Array(suffix.utf8)
        guard bytes.count == prefixBytes.count + digits + suffixBytes.count,
            bytes.starts(with: prefixBytes), bytes.suffix(suffixBytes.count).elementsEqual(suffixBytes)
        else { return nil }
        var value: UInt64 = 0
        for byte in bytes[prefixBytes.count..<(prefixBytes.count + digits)] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value == 0 ? nil : value
    }
}
