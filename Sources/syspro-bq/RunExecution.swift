import ArgumentParser
import Common
import Foundation
import Logging
import Operator

/// Runs one pipeline pass the way every summary-producing command does: check the configuration has what the
/// pass needs, open the credentials, take the staging locks, handle SIGINT/SIGTERM, call the runner, then print
/// the one-line summary (and the JSON summary), update the Prometheus textfile, and choose the exit code.
///
/// Failures before the runner starts (configuration, credentials, the lock) are thrown as they are and printed
/// by `SysproBQCommand.main`; they produce no summary because nothing ran.
enum RunExecution {
    struct Pass {
        var command: String
        var sides: Set<RunLock.Side>
        var needs: Set<Configuration.Purpose>
    }

    /// Runs the pass and throws `ExitCode` when it did not fully succeed.
    static func perform(
        _ pass: Pass,
        environment: CommandEnvironment,
        jsonSummary: Bool,
        runner: (RunContext) throws -> Void
    ) throws {
        let flag = CancellationFlag()
        let signals = SignalHandling.install(flag: flag, logger: environment.logger)
        defer { withExtendedLifetime(signals) {} }
        let code = try performOnce(pass, environment: environment, jsonSummary: jsonSummary, flag: flag, runner: runner)
        if code != ExitCodes.success { throw ExitCode(code) }
    }

    /// One pass; returns its exit code after printing its summary. Throws only for failures before the runner.
    static func performOnce(
        _ pass: Pass,
        environment: CommandEnvironment,
        jsonSummary: Bool,
        flag: CancellationFlag,
        runner: (RunContext) throws -> Void
    ) throws(SysproBQError) -> Int32 {
        let configuration = environment.configuration
        try configuration.requireReady(for: pass.needs, displayName: environment.configurationName)
        let credentials = try environment.openCredentials()
        let lock = try RunLock.acquire(
            directory: configuration.staging.directory,
            sides: pass.sides,
            command: pass.command
        )
        let startedAt = Date()
        let runID = RunID.make(at: startedAt)
        var logger = environment.logger
        logger[metadataKey: "run.id"] = "\(runID)"
        let context = RunContext(
            configuration: configuration,
            configurationName: environment.configurationName,
            credentials: credentials,
            logger: logger,
            cancellation: flag,
            progress: ProgressLine(),
            recorder: RunRecorder(),
            runID: runID,
            startedAt: startedAt
        )
        logger.info("Run started", metadata: ["command": "\(pass.command)"])
        var failure: SysproBQError?
        do {
            try runner(context)
        } catch let error as SysproBQError {
            failure = error
        } catch {
            failure = SysproBQError(
                .internalError,
                "\(pass.command) failed with an unexpected error",
                cause: .other(String(describing: error)),
                disposition: .terminal
            )
        }
        context.progress.finish()
        var summary = makeSummary(pass.command, context: context, failure: failure)
        // Still under the lock: each side's run-state file has one writer at a time.
        recordRunState(summary, sides: pass.sides, configuration: configuration, logger: logger)
        summary.streams = withLag(summary.streams, configuration: configuration, logger: logger)
        do {
            try lock.release()
        } catch {
            logger.warning("Could not release the staging lock cleanly", metadata: ["error": "\(error)"])
        }
        if let failure { SysproBQCommand.report(failure) }
        CommandEnvironment.emit(summary.oneLine, message: "Run summary", key: "summary")
        if jsonSummary {
            do {
                print(SecretScrubber.shared.scrub(try summary.jsonLine()))
            } catch {
                logger.error("Could not encode the JSON summary", metadata: ["error": "\(error)"])
            }
        }
        if let textfile = configuration.metrics.prometheusTextfile {
            do {
                try PrometheusTextfile.write(summary, to: textfile, stagingDirectory: configuration.staging.directory)
            } catch {
                logger.warning(
                    "Could not update the Prometheus textfile",
                    metadata: ["path": "\(textfile)", "error": "\(error)"]
                )
            }
        }
        return summary.exitCode
    }

    static func makeSummary(_ command: String, context: RunContext, failure: SysproBQError?) -> RunSummary {
        let streams = context.recorder.recorded
        let quarantined = streams.reduce(0) { $0 + $1.quarantinedRows }
        let outcome: RunSummary.Outcome
        let code: Int32
        switch failure {
        case nil where quarantined > 0:
            outcome = .succeededWithQuarantine
            code = ExitCodes.dataError
        case nil:
            outcome = .succeeded
            code = ExitCodes.success
        case let error? where error.code == .interrupted:
            outcome = .interrupted
            code = ExitCodes.exitCode(for: error)
        case let error?:
            outcome = .failed
            code = ExitCodes.exitCode(for: error)
        }
        return RunSummary(
            command: command,
            runID: context.runID,
            startedAt: context.startedAt,
            finishedAt: Date(),
            outcome: outcome,
            exitCode: code,
            streams: streams,
            error: failure.map { SecretScrubber.shared.scrub($0.message) }
        )
    }
}
