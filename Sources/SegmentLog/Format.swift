/// Every constant of the staging log format. See docs/staging-format.md; each constant names its section.
///
/// A change to any value here is a format change: bump ``formatVersion`` and update the spec first.
public enum Format {
    /// The manifest `formatVersion` this code writes and the only one it reads (§4.1).
    public static let formatVersion: Int64 = 1

    /// Default uncompressed size of a block, one gzip member (§3.2): 1 MiB.
    public static let defaultBlockSize = 1 << 20
    /// Default zlib compression level of segments (§3.2). Not recorded; readers do not need it.
    public static let defaultCompressionLevel: Int32 = 6
    /// Default size at which the load journal starts a new file (§8.1): 64 MiB.
    public static let defaultJournalRotationBytes = 64 << 20

    /// Digits in a zero-padded sequence number in file names (§1.2).
    static let sequenceDigits = 12
    /// The largest sequence number a file name can carry (§1.2).
    public static let maximumSequence: UInt64 = 999_999_999_999
    /// Digits in a zero-padded journal file number (§1.2).
    static let journalDigits = 8
    /// The largest journal file number (§1.2).
    static let maximumJournalNumber: UInt64 = 99_999_999

    // File-name parts (§1.2).
    static let segmentPrefix = "segment-"
    static let segmentSuffix = ".ndjson.gz"
    static let manifestPrefix = "manifest-"
    static let manifestSuffix = ".json"
    static let tempSuffix = ".tmp"
    static let schemaPrefix = "schema-"
    static let schemaSuffix = ".json"
    static let journalPrefix = "journal-"
    static let journalSuffix = ".log"
    static let rowsPrefix = "rows-"
    static let rowsSuffix = ".ndjson"
    /// The per-stream writer lock, file `writer.lock` (§1, §7); Common's `DirectoryLock` adds `.lock`.
    static let writerLockName = "writer"
    /// The per-stream journal lock, file `journal.lock` (§1, §8.1).
    static let journalLockName = "journal"
    /// The lock files' names, which the verifier expects in a stream directory (§1.2).
    static let lockFileNames = ["writer.lock", "journal.lock"]
    /// The writer's own state files (§1.3): Stage's watermark and version index. They are caches and
    /// bookkeeping, not evidence: the verifier accepts them, and their hidden temporary files, without reading them.
    static let writerStateFileNames = ["stage-state.json", "stage-index.bin"]

    /// Whether `name` is one of the writer's state files or a temporary file of one (`.<name>.tmp-…`).
    static func isWriterStateFile(_ name: String) -> Bool {
        if writerStateFileNames.contains(name) { return true }
        return writerStateFileNames.contains { name.hasPrefix(".\($0).tmp-") }
    }
    /// Whether `name` is the hidden temporary file of a schema file's atomic write (`.schema-<fp>.json.tmp-…`),
    /// which a crash before its rename leaves behind: an unsealed leftover that recovery quarantines (§7.1).
    static func isSchemaTemporary(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let end = 1 + schemaPrefix.utf8.count + 64 + schemaSuffix.utf8.count
        let marker = Array(".tmp-".utf8)
        guard bytes.count > end + marker.count, bytes[0] == 0x2E, Array(bytes[end..<(end + marker.count)]) == marker
        else { return false }
        if case .schema = SegmentFileName(parsing: String(decoding: bytes[1..<end], as: UTF8.self)) { return true }
        return false
    }

    /// The directory recovery moves leftovers into (§1, §7.1).
    static let quarantineDirectory = "quarantine"
    /// Separates a quarantined file's original name from its counter (§7.1).
    static let quarantineCounterSeparator = "~"
    /// Suffix of the file explaining why a file was quarantined (§7.1).
    static let reasonSuffix = ".reason"

    /// Maximum length of a company or table name in bytes (§1.1).
    static let maximumNameLength = 64

    /// `previousManifestHash` of sequence 1 (§4.1): 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Directory and file permissions (§1).
    static let directoryMode: UInt32 = 0o700
    static let fileMode: UInt32 = 0o600

    /// Bytes a stored line starts with before the sequence number (§3.1).
    static let linePrefixSegment: [UInt8] = Array(#"{"_segment":"#.utf8)
    /// Bytes between the sequence number and the line number (§3.1).
    static let linePrefixLine: [UInt8] = Array(#","_line":"#.utf8)
    /// The byte that ends every line (§3).
    static let lineFeed: UInt8 = 0x0A
}
