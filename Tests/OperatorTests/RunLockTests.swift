import Common
import Foundation
import Logging
import Operator
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Run lock, metrics file and signals")
struct RunLockTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("operator-lock-\(UUID().uuidString)")
            .path
        try FileSystem.makeDirectory(path)
        return path
    }

    /// A second run asking for a held side is refused with the locked code and the holder; the other side is free.
    @Test func heldSideIsRefusedAndOtherSideIsFree() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try RunLock.acquire(directory: directory, sides: [.extract], command: "extract")
        defer { try? first.release() }
        do {
            _ = try RunLock.acquire(directory: directory, sides: [.extract, .load], command: "run")
            Issue.record("expected the lock to be refused")
        } catch {
            #expect(error.code == .locked)
            #expect(ExitCodes.exitCode(for: error) == 73)
            #expect(error.message.hasPrefix("another syspro-bq run holds \(directory) (pid \(getpid()) since "))
        }
        // All or none: the refused run must not have kept the load lock.
        let load = try RunLock.acquire(directory: directory, sides: [.load], command: "load")
        try load.release()
        try first.release()
        let again = try RunLock.acquire(directory: directory, sides: [.extract, .load], command: "run")
        #expect(again.sides == [.extract, .load])
        try again.release()
    }

    /// A missing staging directory is never created by a run: it needs a human.
    @Test func missingStagingDirectoryIsNotCreated() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = directory + "/staging"
        do {
            _ = try RunLock.acquire(directory: missing, sides: [.load], command: "load")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .fileSystem)
            #expect(ExitCodes.exitCode(for: error) == 69)
        }
        #expect(!FileSystem.exists(missing))
    }

    /// The textfile is written atomically and accumulates across runs.
    @Test func textfileIsWrittenAndAccumulates() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/syspro_bq.prom"
        let summary = RunSummary(
            command: "load",
            runID: "20261127T150000Z-000001",
            startedAt: Date(timeIntervalSince1970: 1_764_255_600),
            finishedAt: Date(timeIntervalSince1970: 1_764_255_610),
            outcome: .succeeded,
            exitCode: 0,
            streams: [RunSummary.Stream(company: "A", table: "GenJournalDetail", stage: .load, rows: 7, segments: 1)]
        )
        try PrometheusTextfile.write(summary, to: path, stagingDirectory: directory)
        try PrometheusTextfile.write(summary, to: path, stagingDirectory: directory)
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        #expect(text.contains("syspro_bq_rows_total{table=\"GenJournalDetail\",company=\"A\",stage=\"load\"} 14"))
        #expect(text.contains("syspro_bq_last_success_timestamp_seconds{stage=\"load\"} 1764255610"))
        #expect(try FileSystem.permissions(of: path) & 0o777 == 0o644)
    }

    /// SIGTERM sets the cancellation flag (through a dispatch signal source) and wakes a sleeping loop.
    @Test func sigtermSetsTheCancellationFlag() throws {
        let flag = CancellationFlag()
        let handling = SignalHandling.install(
            flag: flag,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        defer { withExtendedLifetime(handling) {} }
        // The dispatch source registers asynchronously, so a signal sent at once may be ignored: resend after 2s of
        // silence (a second *delivered* signal would exit the process, so the wait is long).
        var woke = false
        for _ in 0..<5 where !woke {
            kill(getpid(), SIGTERM)
            woke = !flag.sleep(seconds: 2)
        }
        #expect(woke)
        #expect(flag.reason == "SIGTERM")
    }
}
