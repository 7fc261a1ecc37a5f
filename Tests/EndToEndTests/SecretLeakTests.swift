import Foundation
import Testing

extension EndToEnd {
    /// With a sentinel SYSPRO password, after init, creds, check, extract, load, replay, verify, status and a
    /// failing logon, no file under the run directory (configuration, logs, segments, manifests, journals,
    /// summaries) and no command output contains the password, its Basic-auth encoding, or any line of the
    /// service account's private key.
    @Test(.timeLimit(.minutes(4)))
    func secretsNeverLeaveTheCredentialStore() throws {
        let sentinel = "Sntl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)
        let rig = try Rig("secrets", .init(sysproPassword: String(sentinel), segmentMaxRows: 500))
        defer { rig.remove() }
        try rig.mustSucceed(["check"])
        try rig.extract()
        try rig.load()
        try rig.advance(steps: 20)
        try rig.command(["run", "--json-summary"])
        let (from, to) = try Self.busiestMonth(rig, company: "A", table: "GenTransaction", column: "JnlDate")
        try rig.command(["replay", "--table", "GenTransaction", "--from", from, "--to", to, "--json-summary"])
        try rig.command(["verify"])
        try rig.command(["status", "--json"])
        try rig.command(["creds", "list"])
        try rig.command(["extract", "--json-summary", "--log-level", "trace"])
        try rig.command(["load", "--json-summary", "--log-level", "trace"])
        // A wrong password: SYSPRO refuses it, and the error must not echo what was sent.
        try rig.mustSucceed(["creds", "set", "syspro-password"], stdin: "Wrong\(sentinel)\n")
        let refused = try rig.command(["extract", "--json-summary", "--log-level", "trace"])
        #expect(refused.status != 0, "extract with a wrong password succeeded: \(refused)")

        let basic = Data("\(Rig.operatorCode):\(sentinel)".utf8).base64EncodedString()
        var needles = [String(sentinel), basic, "Wrong\(sentinel)"]
        needles += rig.privateKeyLines
        #expect(rig.privateKeyLines.count > 10, "the private key's lines were not captured")

        var scanned = 0
        for file in rig.filesUnderRun() {
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            scanned += 1
            for needle in needles where data.range(of: Data(needle.utf8)) != nil {
                Issue.record("\(file.path) contains a secret (\(needle.prefix(6))…)")
            }
            // Segments are gzip: scan their rows too.
            if file.lastPathComponent.hasSuffix(".gz") {
                let rows = try ChildProcess.run(
                    URL(fileURLWithPath: "/bin/gzip"),
                    ["-dc", file.path],
                    outputPrefix: rig.root.appendingPathComponent("scan")
                )
                for needle in needles where rows.stdout.contains(needle) {
                    Issue.record("\(file.path) (decompressed) contains a secret (\(needle.prefix(6))…)")
                }
            }
        }
        #expect(scanned > 20, "the scan read only \(scanned) files")
        for result in rig.results {
            for needle in needles where result.combined.contains(needle) {
                Issue.record(
                    "output of `\(result.arguments.joined(separator: " "))` contains a secret (\(needle.prefix(6))…)"
                )
            }
        }
    }
}
