import Common
import Foundation
import Logging
import Operator
import Synchronization

/// What every configured command starts with: the chosen configuration file, loaded and validated, and the
/// process's logging set up from it (flags override the file).
struct CommandEnvironment {
    let location: ConfigurationLocation
    let configuration: Configuration
    let logger: Logger
    let processEnvironment: [String: String]

    /// How the configuration file is named in messages: as the operator gave it.
    var configurationName: String { location.path }

    /// Loads the configuration named by `--config` / `SYSPRO_BQ_CONFIG` / the default, and bootstraps logging.
    static func load(_ options: GlobalOptions) throws(SysproBQError) -> CommandEnvironment {
        let processEnvironment = ProcessInfo.processInfo.environment
        let location = ConfigurationLocation.resolve(flag: options.config, environment: processEnvironment)
        let configuration = try Configuration.load(path: location.path, environment: processEnvironment)
        let format = options.logFormat.flatMap(Configuration.LogFormat.init(rawValue:)) ?? configuration.logging.format
        let level = options.logLevel.flatMap(Configuration.LogLevel.init(rawValue:)) ?? configuration.logging.level
        bootstrapLogging(format: format, level: Logger.Level(level))
        var logger = Logger(label: "syspro-bq")
        logger.logLevel = Logger.Level(level)
        return CommandEnvironment(
            location: location,
            configuration: configuration,
            logger: logger,
            processEnvironment: processEnvironment
        )
    }

    /// Opens the credential store of the configuration.
    func openCredentials() throws(SysproBQError) -> CredentialStore {
        try CredentialStore.open(configuration: configuration, environment: processEnvironment)
    }

    /// The log format in force once logging is set up; nil before (configuration errors print as text).
    static var activeLogFormat: Configuration.LogFormat? { bootstrapped.withLock { $0 } }

    private static let bootstrapped = Mutex<Configuration.LogFormat?>(nil)

    /// `LoggingSystem.bootstrap` may run once per process.
    private static func bootstrapLogging(format: Configuration.LogFormat, level: Logger.Level) {
        bootstrapped.withLock { active in
            guard active == nil else { return }
            active = format
            LoggingSystem.bootstrap { _ in OperatorLogHandler(format: format, level: level) }
        }
    }

    /// Writes a line meant for people (the run summary) to stderr: as is, or as a JSON log event when logs are
    /// JSON, so a log collector never sees a line it cannot parse.
    static func emit(_ line: String, message: Logger.Message, key: String) {
        if activeLogFormat == .json {
            Logger(label: "syspro-bq").notice(message, metadata: [key: "\(line)"])
        } else {
            TerminalWriter.standardError.writeLine(SecretScrubber.shared.scrub(line))
        }
    }
}
