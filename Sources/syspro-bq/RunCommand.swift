import ArgumentParser
import Common
import Foundation
import Logging
import Operator

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Extract, then load, in one pass; with --every, repeat until stopped (takes both locks).",
        discussion: """
            With --every, a pass that fails for a reason that may pass (exit 73 or 75) is logged and the loop goes \
            on; a failure that needs a person (69, 70, 78) ends the loop with its code. SIGINT/SIGTERM during a \
            pass stops it at a safe point (exit 130); during the wait between passes it exits 0.
            """
    )

    @Option(help: ArgumentHelp("Repeat every DURATION, e.g. 30s, 10m, 1h, 1h30m.", valueName: "duration"))
    var every: String?

    @OptionGroup var summary: SummaryOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let every, RunInterval(parsing: every) == nil {
            throw ValidationError(
                "--every must be a duration such as 30s, 10m, 1h or 1h30m, from 1s to 7d (found '\(every)')"
            )
        }
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let interval = every.flatMap(RunInterval.init(parsing:))
        let flag = CancellationFlag()
        let signals = SignalHandling.install(flag: flag, logger: environment.logger)
        defer { withExtendedLifetime(signals) {} }
        let pass = RunExecution.Pass(command: "run", sides: [.extract, .load], needs: [.extract, .load])
        var code = ExitCodes.success
        while true {
            do {
                code = try RunExecution.performOnce(
                    pass,
                    environment: environment,
                    jsonSummary: summary.jsonSummary,
                    flag: flag
                ) { context in
                    try Pipeline.extract(context, Pipeline.ExtractRequest(tables: [], company: nil, window: nil))
                    try context.cancellation.throwIfCancelled(during: "run")
                    try Pipeline.load(context, Pipeline.LoadRequest(tables: []))
                }
            } catch {
                // Failed before the runner started: the configuration, the credentials or the lock.
                guard interval != nil, error.code == .locked || error.isRetryable else { throw error }
                SysproBQCommand.report(error)
                code = ExitCodes.exitCode(for: error)
            }
            guard let interval, !flag.isCancelled else { break }
            guard [ExitCodes.success, ExitCodes.dataError, ExitCodes.retryLater, ExitCodes.locked].contains(code) else {
                break
            }
            environment.logger.info("Waiting for the next pass", metadata: ["every": "\(interval)"])
            if !flag.sleep(seconds: Double(interval.seconds)) {
                environment.logger.notice("Stopped between passes")
                code = ExitCodes.success
                break
            }
        }
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
