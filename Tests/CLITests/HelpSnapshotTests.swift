import Foundation
import Testing

@Suite("CLI help snapshots")
struct HelpSnapshotTests {
    static let commands: [[String]] = [
        [], ["init"], ["creds"], ["creds", "set"], ["creds", "import-service-account"], ["creds", "list"],
        ["creds", "rotate-key"], ["check"], ["extract"], ["load"], ["run"], ["replay"], ["verify"], ["archive"],
        ["status"], ["reconcile"], ["report"],
    ]

    /// `--help` for the root and each subcommand matches its snapshot in Tests/CLITests/Snapshots and exits 0.
    /// Set UPDATE_SNAPSHOTS=1 to rewrite the snapshots after an intended change.
    @Test(arguments: commands)
    func helpMatchesSnapshot(_ command: [String]) throws {
        let result = try CLI.run(command + ["--help"])
        #expect(result.status == 0)
        let name = (["syspro-bq"] + command).joined(separator: "-") + ".txt"
        let snapshot = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Snapshots/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try Data(result.stdout.utf8).write(to: snapshot)
        }
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(result.stdout == expected, "help for '\(command.joined(separator: " "))' changed")
        #expect(result.stderr.isEmpty)
    }

    /// `--version` prints the version.
    @Test func versionPrints() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(
            result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(
                of: #"^\d+\.\d+\.\d+$"#,
                options: .regularExpression
            ) != nil
        )
    }
}
