/// Which configuration file a command reads: `--config PATH`, else `$SYSPRO_BQ_CONFIG`, else `./syspro-bq.toml`.
///
/// This type is a value type and is `Sendable`.
public struct ConfigurationLocation: Sendable, Hashable {
    /// How the path was chosen, for messages.
    public enum Source: String, Sendable, Hashable {
        case flag = "--config"
        case environment = "SYSPRO_BQ_CONFIG"
        case defaultPath = "default"
    }

    /// The default file name, in the working directory.
    public static let defaultFileName = "syspro-bq.toml"

    /// The path as given (used in messages as it was written).
    public var path: String
    public var source: Source

    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }

    /// Chooses the file from the `--config` flag and the environment.
    public static func resolve(flag: String?, environment: [String: String]) -> ConfigurationLocation {
        if let flag, !flag.isEmpty { return ConfigurationLocation(path: flag, source: .flag) }
        if let path = environment["SYSPRO_BQ_CONFIG"], !path.isEmpty {
            return ConfigurationLocation(path: path, source: .environment)
        }
        return ConfigurationLocation(path: defaultFileName, source: .defaultPath)
    }
}
