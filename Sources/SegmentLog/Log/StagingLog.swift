public import Common
public import Logging

/// The staging directory: streams of sealed segments with their manifests, schemas and load journals
/// (docs/staging-format.md).
///
/// One `StagingLog` value can be shared by any number of readers in any threads: everything it reads is
/// immutable once sealed, and readers take no lock. Writing goes through a ``SegmentWriter``, which holds the
/// stream's writer lock, so at most one writer per stream exists across processes.
///
/// This class is `Sendable`: it holds only immutable configuration.
public final class StagingLog: Sendable {
    /// The staging directory's path.
    public let root: String
    let clock: any WallClock
    let logger: Logger

    /// Opens a staging directory, creating it (mode 0700) if absent.
    ///
    /// - Parameters:
    ///   - root: the staging directory.
    ///   - clock: the source of `createdAt` and journal timestamps.
    ///   - logger: where the log reports seals, recoveries and discards.
    /// - Throws: `.fileSystem` when the directory cannot be created.
    public init(root: String, clock: any WallClock = SystemClock(), logger: Logger) throws {
        self.root = root
        self.clock = clock
        self.logger = logger
        try Files.makeDirectories(root)
    }

    /// The directory of `stream`: `<root>/<company>/<table>`.
    public func streamDirectory(_ stream: StreamID) -> String { "\(root)/\(stream.company)/\(stream.table)" }

    /// The path of `name` in `stream`'s directory.
    public func path(_ stream: StreamID, _ name: SegmentFileName) -> String {
        if case .quarantinedRows = name { return "\(quarantineDirectory(stream))/\(name.rendered)" }
        return "\(streamDirectory(stream))/\(name.rendered)"
    }

    /// The stream's `quarantine/` directory.
    public func quarantineDirectory(_ stream: StreamID) -> String {
        "\(streamDirectory(stream))/\(Format.quarantineDirectory)"
    }

    /// Every stream in the staging directory, sorted by company then table.
    ///
    /// Directories whose names are not valid stream names are skipped (and logged).
    public func streams() throws -> [StreamID] {
        var found: [StreamID] = []
        for company in try Files.list(root) where Files.isDirectory("\(root)/\(company)") {
            for table in try Files.list("\(root)/\(company)") where Files.isDirectory("\(root)/\(company)/\(table)") {
                guard let stream = try? StreamID(company: company, table: table) else {
                    logger.warning(
                        "Skipping a directory that is not a stream",
                        metadata: ["file": "\(company)/\(table)"]
                    )
                    continue
                }
                found.append(stream)
            }
        }
        return found.sorted()
    }

    /// The stream's manifests in sequence order, each checked against its own hash and the chain.
    ///
    /// - Parameter groupTotals: `false` reads each manifest without its control totals' per-group sums (as
    ///   ``Manifest/droppingGroupTotals()`` gives) and checks its hash over the file's bytes instead of
    ///   re-encoding it (``Manifest/decodeWithoutGroupTotals(_:file:)``): several times cheaper for GL
    ///   manifests, and memory does not grow with GL groups per segment. `verify` always decodes fully.
    /// - Throws: `.corruption` naming the first manifest that fails its hash, breaks the chain or leaves a gap.
    public func manifests(of stream: StreamID, groupTotals: Bool = true) throws -> [Manifest] {
        let directory = streamDirectory(stream)
        guard Files.isDirectory(directory) else { return [] }
        let sequences = try Files.list(directory).compactMap { name -> UInt64? in
            if case .manifest(let seq) = SegmentFileName(parsing: name) { return seq }
            return nil
        }.sorted()
        var manifests: [Manifest] = []
        var previous = Format.genesisHash
        for (index, sequence) in sequences.enumerated() {
            let file = path(stream, .manifest(sequence))
            guard sequence == UInt64(index + 1) else {
                throw SysproBQError(
                    .corruption,
                    "Stream \(stream) has no manifest for sequence \(index + 1) (next present: \(sequence))",
                    remedy: "A segment and its manifest were removed; restore them from a backup and run verify.",
                    disposition: .needsHuman
                )
            }
            let bytes = try Files.readAll(file)
            let manifest =
                groupTotals
                ? try Manifest.decode(bytes, file: file) : try Manifest.decodeWithoutGroupTotals(bytes, file: file)
            guard manifest.stream == stream, manifest.sequence == sequence else {
                throw SysproBQError(
                    .corruption,
                    "Manifest \(file) describes \(manifest.stream) sequence \(manifest.sequence)",
                    remedy: "Manifests were moved or renamed; restore them and run verify.",
                    disposition: .needsHuman
                )
            }
            guard manifest.previousManifestHash == previous else {
                throw SysproBQError(
                    .corruption,
                    "Manifest \(file) breaks the chain: previousManifestHash is \(manifest.previousManifestHash), "
                        + "expected \(previous)",
                    remedy: "A manifest before it was altered, removed or reordered; run verify.",
                    disposition: .needsHuman
                )
            }
            previous = manifest.manifestHash
            manifests.append(manifest)
        }
        return manifests
    }

    /// The sealed segments of `stream` within `sequences` whose business-date range overlaps
    /// `businessDates` (both inclusive), in sequence order.
    ///
    /// A segment without a business-date range is selected only when `businessDates` is `nil`. The manifests
    /// carry no per-group control totals (``manifests(of:groupTotals:)`` with `false`).
    public func selectSegments(
        stream: StreamID,
        sequences: ClosedRange<UInt64>? = nil,
        businessDates: (from: String, to: String)? = nil
    ) throws -> [Manifest] {
        try manifests(of: stream, groupTotals: false).filter { manifest in
            if let sequences, !sequences.contains(manifest.sequence) { return false }
            if let businessDates {
                guard let range = manifest.businessDates,
                    range.overlaps(from: businessDates.from, to: businessDates.to)
                else { return false }
            }
            return true
        }
    }

    /// The schema stored under `fingerprint` in `stream`, checked against its fingerprint.
    ///
    /// - Throws: `.corruption` when the file is missing, not canonical, or does not hash to `fingerprint`.
    public func schema(fingerprint: String, stream: StreamID) throws -> StreamSchema {
        guard SegmentFileName.isFingerprint(fingerprint) else {
            throw SysproBQError(.invalidData, "\(fingerprint) is not a schema fingerprint", disposition: .terminal)
        }
        let file = path(stream, .schema(fingerprint: fingerprint))
        guard Files.exists(file) else {
            throw SysproBQError(
                .corruption,
                "Schema file \(file) is missing",
                remedy: "Restore it from a backup or the archive.",
                disposition: .needsHuman
            )
        }
        let bytes = try Files.readAll(file)
        let actual = Hashing.sha256Hex(bytes.last == Format.lineFeed ? Array(bytes.dropLast()) : bytes)
        guard bytes.last == Format.lineFeed, actual == fingerprint else {
            throw SysproBQError(
                .corruption,
                "Schema file \(file) hashes to \(actual), expected \(fingerprint)",
                remedy: "Restore it from a backup or the archive.",
                disposition: .needsHuman
            )
        }
        let schema: StreamSchema
        do {
            schema = try StreamSchema(canonical: try CanonicalJSON.parse(bytes.dropLast()), file: file)
        } catch let error as CanonicalJSON.ParseError {
            throw SysproBQError(
                .corruption,
                "Schema file \(file) is not valid JSON: \(error)",
                disposition: .needsHuman
            )
        }
        guard schema.canonicalBytes == Array(bytes.dropLast()) else {
            throw SysproBQError(.corruption, "Schema file \(file) is not in canonical form", disposition: .needsHuman)
        }
        return schema
    }

    /// Opens the stream's writer: takes the writer lock, runs recovery, stores the schema if new.
    ///
    /// - Parameters:
    ///   - stream: the stream to append to; its directory is created if absent.
    ///   - schema: the schema of the rows about to be written.
    ///   - runID: the extract run, recorded in each manifest.
    ///   - options: block size and compression level.
    /// - Returns: a writer the caller must ``SegmentWriter/close()``.
    /// - Throws: `.locked` naming the holder when another writer has the stream; `.corruption` when the
    ///   existing chain is broken (appending to it would hide the damage); `.fileSystem` for I/O failures.
    public func openWriter(
        stream: StreamID,
        schema: StreamSchema,
        runID: String,
        options: WriterOptions = WriterOptions()
    ) throws -> SegmentWriter {
        let directory = streamDirectory(stream)
        try Files.makeDirectories(directory)
        let lock = try acquireWriterLock(stream)
        do {
            let report = try recoverLocked(stream)
            if !report.dropped.isEmpty { logger.warning("Recovery quarantined leftovers", metadata: report.metadata) }
            let fingerprint = schema.fingerprint
            let schemaPath = path(stream, .schema(fingerprint: fingerprint))
            if Files.exists(schemaPath) {
                _ = try self.schema(fingerprint: fingerprint, stream: stream)
            } else {
                var bytes = schema.canonicalBytes
                bytes.append(Format.lineFeed)
                try Files.writeAtomically(schemaPath, bytes)
            }
            return try SegmentWriter(
                log: self,
                stream: stream,
                schemaFingerprint: fingerprint,
                runID: runID,
                options: options,
                lock: lock,
                sealedAtOpen: try manifests(of: stream, groupTotals: false),
                recoveryReport: report
            )
        } catch {
            try? lock.release()
            throw error
        }
    }

    /// Runs `body` with an open writer and closes it on both paths (STYLE.md §13).
    ///
    /// An error from `body` wins over an error from closing, which is then logged.
    public func withWriter<Result>(
        stream: StreamID,
        schema: StreamSchema,
        runID: String,
        options: WriterOptions = WriterOptions(),
        _ body: (SegmentWriter) throws -> Result
    ) throws -> Result {
        let writer = try openWriter(stream: stream, schema: schema, runID: runID, options: options)
        let result: Result
        do {
            result = try body(writer)
        } catch {
            do { try writer.close() } catch let closeError {
                logger.error("Closing the segment writer failed", metadata: ["error": "\(closeError)"])
            }
            throw error
        }
        try writer.close()
        return result
    }

    /// Opens a reader over the sealed segment `manifest` describes, in the stream directory or, when it
    /// was archived, at the location the load journal records.
    public func openReader(_ manifest: Manifest) throws -> SegmentReader {
        try SegmentReader(path: try segmentPath(for: manifest), manifest: manifest)
    }

    /// Runs `body` with a reader over `manifest`'s segment and closes it on both paths.
    public func withReader<Result>(_ manifest: Manifest, _ body: (SegmentReader) throws -> Result) throws -> Result {
        let reader = try openReader(manifest)
        defer { reader.close() }
        return try body(reader)
    }

    /// Where `manifest`'s segment file is: the stream directory, else the archive the journal names.
    func segmentPath(for manifest: Manifest) throws -> String {
        let local = path(manifest.stream, .segment(manifest.sequence))
        if Files.exists(local) { return local }
        if let location = try LoadJournal(log: self, stream: manifest.stream).archiveLocation(of: manifest.sequence) {
            return "\(location)/\(manifest.segmentFileName)"
        }
        return local
    }

    func acquireWriterLock(_ stream: StreamID) throws -> DirectoryLock {
        try Self.acquireLock(
            directory: streamDirectory(stream),
            name: Format.writerLockName,
            what: "writer of \(stream)"
        )
    }

    /// Takes a stream lock or throws `.locked` naming the holder recorded in the lock file.
    static func acquireLock(directory: String, name: String, what: String) throws -> DirectoryLock {
        if let lock = try DirectoryLock.acquire(directory: directory, name: name) { return lock }
        let holder = DirectoryLock.holderDescription(directory: directory, name: name) ?? "holder unknown"
        throw SysproBQError(
            .locked,
            "The \(what) is already open: \(DirectoryLock.lockPath(directory: directory, name: name)) is held (\(holder))",
            remedy: "Wait for the other run to finish; two writers must never share a stream.",
            disposition: .retryable
        )
    }
}
