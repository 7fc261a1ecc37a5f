import Common
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The staged state every bad-input case starts from, built once per test process: one ``Rig`` that extracted
/// two tables, loaded them, let the business change and extracted again, so its staging log holds sealed
/// segments that are loaded and sealed segments whose rows are still pending. Its servers are stopped once it
/// is built; each case clones its files (``Rig/init(_:cloning:)``). The directory is removed at process exit.
enum CorpusTemplate {
    static let tables = ["ApSupplier", "ApInvoice"]

    /// The template rig, or why it could not be built.
    static let shared: Result<TemplateBox, HarnessError> = {
        do {
            let rig = try Rig("corpus-template", .init(scale: 0.02, segmentMaxRows: 40))
            let tableFlags = tables.flatMap { ["--table", $0] }
            try rig.mustSucceed(["extract"] + tableFlags)
            try rig.mustSucceed(["load"])
            try rig.advance(steps: 6)
            try rig.mustSucceed(["extract"] + tableFlags)
            // The load cases prove pending rows stay pending: there must be some.
            let evidence = try StagingEvidence(rig.run.appendingPathComponent("staging"))
            let staged = try tables.reduce(0) { $0 + (try rig.stagedRows("A", $1)).count }
            guard evidence.acknowledgedRows.count < staged, !evidence.acknowledgedRows.isEmpty else {
                throw HarnessError(
                    "the corpus template needs loaded and pending rows: \(evidence.acknowledgedRows.count) of \(staged) acknowledged"
                )
            }
            rig.stop()
            templateRoot.withLock { $0 = rig.root.path }
            atexit {
                if let path = CorpusTemplate.templateRoot.withLock({ $0 }) {
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
            return .success(TemplateBox(rig: rig))
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(HarnessError("building the corpus template failed: \(error)"))
        }
    }()

    fileprivate static let templateRoot = LockedValue<String?>(nil)

    /// The template rig; throws when it could not be built.
    static func rig() throws -> Rig { try shared.get().rig }
}

/// Holds the template rig. `@unchecked Sendable`: after it is built the rig is only read (its files copied).
final class TemplateBox: @unchecked Sendable {
    let rig: Rig
    init(rig: Rig) { self.rig = rig }
}

/// A value behind a lock.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Lets at most `width` cases run their servers and commands at once (2 cores, other tests running too), while
/// cases waiting on a retry backoff do not hold a thread.
actor CaseGate {
    static let shared = CaseGate(width: 4)

    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    func enter() async {
        if running < width {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// What the corpus checks in a clone's staging log before and after the bad input.
struct StagingEvidence {
    /// SHA-256 of every sealed file (segments, manifests, schemas), by path relative to the staging directory.
    var sealed: [String: String] = [:]
    /// Each journal file's bytes, by relative path.
    var journals: [String: Data] = [:]

    init(_ staging: URL) throws {
        guard let walker = FileManager.default.enumerator(at: staging, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker {
            let name = url.lastPathComponent
            let relative = String(url.path.dropFirst(staging.path.count + 1))
            guard !url.hasDirectoryPath, (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            if name.hasPrefix("journal-") {
                journals[relative] = try Data(contentsOf: url)
            } else if ["segment-", "manifest-", "schema-"].contains(where: name.hasPrefix), !name.hasSuffix(".tmp") {
                sealed[relative] = SHA256.hash([UInt8](try Data(contentsOf: url))).hex
            }
        }
    }

    /// Every `ack` record's rows, as `company/table seq:line` strings (journal lines are `crc32hex SP json`).
    var acknowledgedRows: Set<String> {
        var rows = Set<String>()
        for (path, data) in journals {
            let stream = path.split(separator: "/").dropLast().joined(separator: "/")
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.count > 9 {
                guard
                    let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(9).utf8))
                        as? [String: Any],
                    object["type"] as? String == "ack",
                    let seq = (object["seq"] as? NSNumber)?.intValue,
                    let first = (object["firstRow"] as? NSNumber)?.intValue,
                    let count = (object["rowCount"] as? NSNumber)?.intValue
                else { continue }
                for row in first..<(first + count) { rows.insert("\(stream) \(seq):\(row)") }
            }
        }
        return rows
    }
}
