import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes the other CLI suites do not reach: 65 (damaged evidence), 75 (SYSPRO unreachable),
/// 73 with a real second syspro-bq process, and 130 (SIGINT during a pass). 0, 64, 69 and 78 are covered by
/// ValidationTests, OperatorFlowTests and PipelineCLITests. 70 (EX_SOFTWARE) marks a bug in syspro-bq and has
/// no input that reaches it by design.
@Suite("CLI exit codes", .serialized)
struct ExitCodeTests {
    /// A flipped byte in a sealed segment makes verify exit 65 and name the segment.
    @Test func damagedSegmentExits65() throws {
        let rig = try Rig("cli-exit-65")
        defer { rig.remove() }
        try rig.extract(["--table", "ApInvoice"])
        let clean = try rig.command(["verify"])
        #expect(clean.status == 0, "\(clean)")
        let segment = rig.run.appendingPathComponent("staging/A/ApInvoice/segment-000000000001.ndjson.gz")
        var bytes = try Data(contentsOf: segment)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: segment)
        let damaged = try rig.command(["verify"])
        #expect(damaged.status == 65, "\(damaged)")
        #expect(damaged.stdout.contains("DAMAGED  "))
        #expect(damaged.stdout.contains("segment-000000000001.ndjson.gz"))
    }

    /// A SYSPRO that refuses connections is a retry-later failure: extract exits 75 after its retries, with the
    /// summary naming the table's error code.
    @Test func unreachableSysproExits75() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        _ = try CLI.run(["creds", "set", "syspro-password"], in: directory, stdin: "a-password\n")
        let result = try CLI.run(
            ["extract", "--table", "ApInvoice", "--json-summary"],
            in: directory,
            environment: OperatorFlowTests.ready
        )
        #expect(result.status == 75, "\(result.combined)")
        #expect(result.stdout.contains("\"error_code\":\"transport\""), "\(result.stdout)")
        let status = try CLI.run(["status", "--json"], in: directory)
        #expect(status.stdout.contains("\"code\" : \"transport\""), "\(status.stdout)")
    }

    /// While one extract runs, a second exits 73 at once naming the holder; SIGINT then stops the first at a
    /// safe point with 130 and an `interrupted` summary, and the log stays verifiable.
    @Test func secondRunIsLockedOutAndSigintExits130() throws {
        var options = Rig.Options()
        options.scale = 0.05
        options.sysproSettings = ["page_size = 10"]
        let rig = try Rig("cli-exit-130", options)
        defer { rig.remove() }
        let first = try rig.start(["extract", "--json-summary"])
        let deadline = Date().addingTimeInterval(60)
        while !first.result().stderr.contains("Run started") && first.isRunning && Date() < deadline {
            usleep(50_000)
        }
        #expect(first.isRunning, "the first extract ended before the test could overlap it: \(first.result())")

        let started = Date()
        let second = try rig.command(["extract"])
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(second.status == 73, "\(second)")
        #expect(second.stderr.contains("another syspro-bq run holds "), "\(second)")
        #expect(second.stderr.contains("(pid \(first.pid) since "), "\(second)")

        first.send(SIGINT)
        let stopped = try first.wait(timeout: 120)
        rig.record(stopped)
        #expect(stopped.status == 130, "\(stopped)")
        #expect(stopped.stdout.contains("\"outcome\":\"interrupted\""), "\(stopped.stdout)")
        #expect(stopped.stderr.contains("was interrupted"))
        // A signal during a table leaves that table's last error `interrupted`; one that lands while a table is
        // being finished (seal, watermark) lets it complete and stops before the next: no table claims it.
        let midTable = stopped.stdout.contains("\"error_code\":\"interrupted\"")
        let status = try rig.mustSucceed(["status", "--json"])
        #expect(status.stdout.contains("\"code\" : \"interrupted\"") == midTable, "\(stopped.stdout)\n\(status.stdout)")
        let verify = try rig.command(["verify"])
        #expect(verify.status == 0, "\(verify)")
    }
}
