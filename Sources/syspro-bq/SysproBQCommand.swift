import ArgumentParser
import Common
import Foundation
import Logging
import Operator

/// The root command.
///
/// `main()` is replaced so that exit codes are decided in one place: a `SysproBQError` is printed (scrubbed of
/// secrets) with its remedy and exits with ``ExitCodes/exitCode(for:)``; argument-parser's own errors (bad flags,
/// `ValidationError`) keep their behaviour and exit with 64 (`EX_USAGE`).
@main
struct SysproBQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syspro-bq",
        abstract: "Moves SYSPRO financial records into Google BigQuery through a verifiable on-disk staging log.",
        discussion: """
            Exit codes: 0 success, 64 usage, 65 data quarantined or damaged, 69 needs a human, 70 internal error, \
            73 another run holds the lock, 75 retry later, 78 configuration, 130 interrupted. \
            See docs/operations.md.
            """,
        version: SysproBQVersion.current,
        subcommands: [
            InitCommand.self, CredsCommand.self, CheckCommand.self, ExtractCommand.self, LoadCommand.self,
            RunCommand.self, ReplayCommand.self, VerifyCommand.self, ArchiveCommand.self, StatusCommand.self,
            ReconcileCommand.self, ReportCommand.self,
        ]
    )

    static func main() {
        #if DEBUG
        // The CLI-level tests' disk-full and read-only faults (Tests/CLITests/BadInputCorpusTests.swift).
        do {
            try SystemCallFaults.injectFromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            TerminalWriter.standardError.writeLine("error: \(error)")
            Foundation.exit(ExitCodes.usage)
        }
        #endif
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as SysproBQError {
            report(error)
            Foundation.exit(ExitCodes.exitCode(for: error))
        } catch {
            exit(withError: error)
        }
    }

    /// Prints an error's message, cause and remedy to stderr, with secrets removed.
    /// When logs are JSON, the error is one JSON log event instead, with its parts as metadata.
    static func report(_ error: SysproBQError) {
        TerminalWriter.standardError.clearProgress()
        guard CommandEnvironment.activeLogFormat == .json else {
            TerminalWriter.standardError.writeLine(SecretScrubber.shared.scrub(error.detailedDescription))
            return
        }
        var metadata: Logger.Metadata = [
            "error.code": "\(error.code.rawValue)", "error.message": "\(error.message)",
            "exit_code": "\(ExitCodes.exitCode(for: error))",
        ]
        if let cause = error.cause { metadata["error.cause"] = "\(cause)" }
        if let remedy = error.remedy { metadata["error.remedy"] = "\(remedy)" }
        Logger(label: "syspro-bq").error("Command failed", metadata: metadata)
    }
}
