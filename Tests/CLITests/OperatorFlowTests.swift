import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CLI: init, credentials, lock, summaries")
struct OperatorFlowTests {
    static let sentinel = "Sentinel-Pa55w0rd-91c7"

    /// Environment that makes the initialised configuration ready for extract and load.
    static let ready = [
        "SYSPRO_BQ_SYSPRO_ODATA_URL": "http://127.0.0.1:9/SYSPRO8Odata/SYSPROOData",
        "SYSPRO_BQ_SYSPRO_COMPANIES": "A", "SYSPRO_BQ_SYSPRO_OPERATOR": "BQSYNC",
        "SYSPRO_BQ_SYSPRO_TIME_ZONE": "Africa/Johannesburg", "SYSPRO_BQ_BIGQUERY_PROJECT": "acme",
        "SYSPRO_BQ_BIGQUERY_DATASET": "syspro_raw",
    ]

    /// init writes the configuration, a 0700 staging directory and a 0600 key, prints next steps, and refuses to
    /// run twice.
    @Test func initCreatesFilesWithSafeModes() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["init", "--directory", directory.appendingPathComponent("site").path])
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stdout.contains("Next steps:"))
        let site = directory.appendingPathComponent("site")
        #expect(try CLI.mode(site.appendingPathComponent("staging")) == 0o700)
        #expect(try CLI.mode(site.appendingPathComponent("syspro-bq.key")) == 0o600)
        let key = try String(contentsOf: site.appendingPathComponent("syspro-bq.key"), encoding: .utf8)
        #expect(key.count == 65 && key.dropLast().allSatisfy(\.isHexDigit))
        let again = try CLI.run(["init", "--directory", site.path])
        #expect(again.status == 78)
        #expect(again.stderr.contains("already exists; init does not overwrite it"))
    }

    /// creds set reads one line from stdin; list shows names and dates but never the secret; a wrong master key
    /// and a 0644 key file are refused with exit 69.
    @Test func credentialsFromStdin() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let set = try CLI.run(["creds", "set", "syspro-password"], in: directory, stdin: Self.sentinel + "\n")
        #expect(set.status == 0, "\(set.combined)")
        #expect(set.stdout.contains("Stored syspro-password"))
        let company = try CLI.run(["creds", "set", "company-password"], in: directory, stdin: "company-secret\n")
        #expect(company.status == 0)
        let list = try CLI.run(["creds", "list"], in: directory)
        #expect(list.status == 0)
        #expect(list.stdout.contains("syspro-password"))
        #expect(list.stdout.contains("company-password"))
        #expect(!list.combined.contains(Self.sentinel))
        #expect(try CLI.mode(directory.appendingPathComponent("credentials.enc.json")) == 0o600)

        let empty = try CLI.run(["creds", "set", "syspro-password"], in: directory, stdin: "")
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("no secret was given on standard input"))

        let wrongKey = try CLI.run(
            ["check"],
            in: directory,
            environment: Self.ready.merging(["SYSPRO_BQ_MASTER_KEY": String(repeating: "ab", count: 32)]) { $1 }
        )
        #expect(wrongKey.status == 69)
        #expect(
            wrongKey.stderr.contains(
                "cannot decrypt credential 'syspro-password': wrong master key or the store was altered"
            )
        )

        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644],
            ofItemAtPath: directory.appendingPathComponent("syspro-bq.key").path
        )
        let exposed = try CLI.run(["creds", "set", "syspro-password"], in: directory, stdin: "x-secret\n")
        #expect(exposed.status == 69)
        #expect(exposed.stderr.contains("what to do: chmod 600 "))
    }

    /// After init, creds and status, the sentinel password is in no file and in no output.
    @Test func sentinelNeverLeaks() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var outputs: [String] = []
        outputs.append(try CLI.run(["init"], in: directory).combined)
        outputs.append(
            try CLI.run(
                ["creds", "set", "syspro-password", "--log-level", "trace"],
                in: directory,
                stdin: Self.sentinel + "\n"
            ).combined
        )
        outputs.append(try CLI.run(["creds", "list"], in: directory).combined)
        outputs.append(try CLI.run(["creds", "rotate-key"], in: directory).combined)
        outputs.append(try CLI.run(["status"], in: directory).combined)
        outputs.append(try CLI.run(["status", "--json"], in: directory).combined)
        outputs.append(try CLI.run(["check", "--log-level", "trace"], in: directory, environment: Self.ready).combined)
        outputs.append(
            try CLI.run(["extract", "--json-summary", "--log-format", "json"], in: directory, environment: Self.ready)
                .combined
        )
        for output in outputs { #expect(!output.contains(Self.sentinel)) }
        let files =
            FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        #expect(files.count >= 4)
        for file in files where !file.hasDirectoryPath {
            let bytes = (try? Data(contentsOf: file)) ?? Data()
            #expect(bytes.range(of: Data(Self.sentinel.utf8)) == nil, "\(file.path) contains the secret")
        }
    }

    /// A second run while another holds the extract lock exits 73 at once and names the holder; load, which takes
    /// the other lock, is not blocked by it.
    @Test func heldLockExitsWithLockedCode() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let lockFile = directory.appendingPathComponent("staging/extract.lock")
        try "pid 4242\nsince 2026-11-27T15:00:00Z\n".write(to: lockFile, atomically: false, encoding: .utf8)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-n", lockFile.path, "sleep", "20"]
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.3)
        let started = Date()
        let result = try CLI.run(["extract"], in: directory, environment: Self.ready)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 73, "\(result.combined)")
        #expect(
            result.stderr.contains(
                "another syspro-bq run holds \(directory.appendingPathComponent("staging").path) (pid 4242 since 2026-11-27T15:00:00Z)"
            )
        )
        let load = try CLI.run(["load"], in: directory, environment: Self.ready)
        #expect(load.status != 73)
        let status = try CLI.run(["status", "--json"], in: directory)
        #expect(status.stdout.contains("\"side\" : \"extract\""))
    }

    /// A pass whose runner fails (here: no SYSPRO password stored) prints the one-line summary, the JSON summary
    /// on stdout, and exits with the failure's code (69: a person must store the credential).
    @Test func summaryIsPrintedWhenTheRunnerFails() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let result = try CLI.run(["extract", "--json-summary"], in: directory, environment: Self.ready)
        #expect(result.status == 69, "\(result.combined)")
        #expect(result.stderr.contains("syspro-bq extract failed in"))
        #expect(result.stderr.contains("syspro-password"))
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["command"] as? String == "extract")
        #expect(json?["exit_code"] as? Int == 69)
        #expect(json?["outcome"] as? String == "failed")
    }

    /// A missing staging directory (an unmounted disk) is never silently recreated: exit 69.
    @Test func missingStagingDirectoryNeedsAHuman() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("staging"))
        let result = try CLI.run(["load"], in: directory, environment: Self.ready)
        #expect(result.status == 69)
        #expect(result.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("staging").path))
    }
}
