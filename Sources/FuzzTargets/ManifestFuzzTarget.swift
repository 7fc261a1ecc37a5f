import Common
import Foundation
import Logging
import SegmentLog

/// Fuzzes SegmentLog's manifest reading: `CanonicalJSON.parse` on the raw input, then the input as
/// `manifest-000000000001.json` of stream `A/ApInvoice` read back through `StagingLog.manifests(of:)`
/// (canonical-form, field, hash and chain checks).
///
/// Invariants checked, beyond "does not crash or hang":
/// - a value `CanonicalJSON.parse` accepts re-encodes to bytes that parse back to the same value, and
///   re-encoding those gives the same bytes (the manifest hash is computed over this encoding);
/// - a manifest that is read back re-encodes to exactly the input (only canonical files are accepted).
///
/// The staging directory is made once per process under the temporary directory and removed at exit; each run
/// rewrites its one manifest file (no fsync, so the page cache keeps it cheap). Runs are serialised: libFuzzer
/// calls one at a time, but the corpus replay tests run in parallel in one process, and two runs sharing the
/// file read each other's input (a valid seed was once rejected for another seed's duplicate key).
enum ManifestFuzzTarget {
    /// Held for the whole of ``run(_:)``: the one manifest file is the run's input.
    private static let fileLock = NSLock()

    static let stream: StreamID = {
        do { return try StreamID(company: "A", table: "ApInvoice") } catch { fatalError("stream name: \(error)") }
    }()

    /// The per-process staging directory, removed at exit.
    static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("syspro-bq-fuzz-manifest-\(getpid())").path

    static let staging: (log: StagingLog, manifestPath: String) = {
        atexit { try? FileManager.default.removeItem(atPath: ManifestFuzzTarget.root) }
        do {
            let log = try StagingLog(
                root: root,
                logger: Logger(label: "fuzz.manifest", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            try FileManager.default.createDirectory(
                atPath: log.streamDirectory(stream),
                withIntermediateDirectories: true
            )
            return (log, log.path(stream, .manifest(1)))
        } catch {
            fatalError("fuzz staging directory \(root): \(error)")
        }
    }()

    static func run(_ input: [UInt8]) -> FuzzOutcome {
        checkCanonicalJSONRoundTrip(input)
        fileLock.lock()
        defer { fileLock.unlock() }
        let (log, path) = staging
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else {
            fatalError("cannot write \(path)")
        }
        do {
            let manifests = try log.manifests(of: stream)
            precondition(manifests.count == 1, "one manifest file gave \(manifests.count) manifests")
            precondition(manifests[0].fileBytes == input, "an accepted manifest is not its own canonical encoding")
            return .accepted("manifest \(manifests[0].sequence), \(manifests[0].rowCount) rows")
        } catch let error as SysproBQError {
            return .rejected("\(error.code): \(error.message)")
        } catch {
            return .rejected("\(error)")
        }
    }

    static func checkCanonicalJSONRoundTrip(_ input: [UInt8]) {
        guard let value = try? CanonicalJSON.parse(input) else { return }
        let encoded = value.encoded()
        let again: CanonicalJSON
        do {
            again = try CanonicalJSON.parse(encoded)
        } catch {
            preconditionFailure("canonical JSON does not re-parse its own encoding (\(error)): \(encoded)")
        }
        precondition(again == value, "canonical JSON round trip changed the value: \(value) -> \(again)")
        precondition(again.encoded() == encoded, "canonical JSON encoding is not stable")
    }
}
