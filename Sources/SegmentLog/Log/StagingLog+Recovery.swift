internal import Common
public import Logging

/// What recovery moved aside (docs/staging-format.md §7.1). Value type, `Sendable`.
public struct RecoveryReport: Sendable, Hashable {
    /// One file moved to `quarantine/`.
    public struct Entry: Sendable, Hashable {
        /// The file's name in the stream directory.
        public let file: String
        /// Its size in bytes.
        public let bytes: Int64
        /// Why it was moved.
        public let reason: String
        /// Its path in the quarantine directory.
        public let quarantinedAs: String
    }

    /// The stream recovered.
    public let stream: StreamID
    /// Every file moved aside, in name order.
    public internal(set) var dropped: [Entry] = []

    /// Total bytes moved aside.
    public var droppedBytes: Int64 { dropped.reduce(0) { $0 + $1.bytes } }

    /// Log metadata summarising the report.
    public var metadata: Logger.Metadata {
        [
            "stream": "\(stream)", "recovery.files": "\(dropped.map(\.file).joined(separator: ","))",
            "recovery.bytes": "\(droppedBytes)",
        ]
    }
}

extension StagingLog {
    /// Finds the stream's unsealed leftovers (temp files, a segment whose manifest never appeared) and moves
    /// them to `quarantine/` with a reason file. Sealed data is never touched.
    ///
    /// - Throws: `.locked` when a writer holds the stream (its temp files are not leftovers); `.fileSystem`.
    public func recover(_ stream: StreamID) throws -> RecoveryReport {
        guard Files.isDirectory(streamDirectory(stream)) else { return RecoveryReport(stream: stream) }
        let lock = try acquireWriterLock(stream)
        do {
            let report = try recoverLocked(stream)
            try lock.release()
            if !report.dropped.isEmpty { logger.warning("Recovery quarantined leftovers", metadata: report.metadata) }
            return report
        } catch {
            try? lock.release()
            throw error
        }
    }

    /// Recovery proper; the caller holds the writer lock.
    func recoverLocked(_ stream: StreamID) throws -> RecoveryReport {
        let files = try Files.list(streamDirectory(stream))
        let names = files.compactMap(SegmentFileName.init(parsing:))
        let manifests = Set(
            names.compactMap { name -> UInt64? in
                if case .manifest(let seq) = name { return seq }
                return nil
            }
        )
        let lastSealed = manifests.max() ?? 0
        var report = RecoveryReport(stream: stream)
        for name in names.sorted(by: { $0.rendered < $1.rendered }) {
            switch name {
            case .segmentTemp:
                try quarantine(
                    stream,
                    name,
                    reason: "unsealed segment (crash or failure before its seal)",
                    into: &report
                )
            case .manifestTemp:
                try quarantine(
                    stream,
                    name,
                    reason: "unpublished manifest (crash before the commit rename)",
                    into: &report
                )
            case .segment(let seq) where seq == lastSealed + 1 && !manifests.contains(seq):
                try quarantine(
                    stream,
                    name,
                    reason: "segment renamed but its manifest never appeared (crash between renames)",
                    into: &report
                )
            default:
                continue
            }
        }
        // A schema file is written to a hidden temporary name and renamed; a crash in between leaves the temporary.
        for file in files.sorted() where Format.isSchemaTemporary(file) {
            try quarantine(
                stream,
                file: file,
                reason: "unfinished schema file (crash before its rename)",
                into: &report
            )
        }
        if !report.dropped.isEmpty {
            try Files.syncDirectory(quarantineDirectory(stream))
            try Files.syncDirectory(streamDirectory(stream))
        }
        return report
    }

    /// Quarantines whatever exists of sequence `sequence`'s four names before a writer reuses it; the
    /// caller holds the writer lock.
    func quarantineLeftovers(of stream: StreamID, sequence: UInt64, reason: String) throws -> RecoveryReport {
        var report = RecoveryReport(stream: stream)
        for name in [SegmentFileName.segmentTemp(sequence), .manifestTemp(sequence), .segment(sequence)]
        where Files.exists(path(stream, name)) {
            try quarantine(stream, name, reason: reason, into: &report)
        }
        if !report.dropped.isEmpty {
            try Files.syncDirectory(quarantineDirectory(stream))
            try Files.syncDirectory(streamDirectory(stream))
        }
        return report
    }

    /// Moves one file to `quarantine/<name>~<k>` and writes `<name>~<k>.reason`.
    private func quarantine(
        _ stream: StreamID,
        _ name: SegmentFileName,
        reason: String,
        into report: inout RecoveryReport
    ) throws {
        try quarantine(stream, file: name.rendered, reason: reason, into: &report)
    }

    /// Moves the file `file` of the stream directory to `quarantine/<file>~<k>` and writes `<file>~<k>.reason`.
    private func quarantine(
        _ stream: StreamID,
        file: String,
        reason: String,
        into report: inout RecoveryReport
    ) throws {
        let directory = quarantineDirectory(stream)
        try Files.makeDirectories(directory)
        let source = "\(streamDirectory(stream))/\(file)"
        let bytes = try Files.size(source)
        var counter = 1
        var target = "\(directory)/\(file)\(Format.quarantineCounterSeparator)\(counter)"
        while Files.exists(target) || Files.exists(target + Format.reasonSuffix) {
            counter += 1
            target = "\(directory)/\(file)\(Format.quarantineCounterSeparator)\(counter)"
        }
        try Files.rename(source, to: target)
        var explanation = CanonicalJSON.object([
            "at": .string(Timestamp.rfc3339(clock.now())), "bytes": .integer(bytes), "file": .string(file),
            "reason": .string(reason),
        ]).encoded()
        explanation.append(Format.lineFeed)
        try Files.writeAtomically(target + Format.reasonSuffix, explanation)
        report.dropped.append(
            RecoveryReport.Entry(file: file, bytes: bytes, reason: reason, quarantinedAs: target)
        )
    }
}
