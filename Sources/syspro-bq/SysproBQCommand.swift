import ArgumentParser
import Common

/// The root command. Subcommands are added as the pipeline grows.
@main
struct SysproBQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syspro-bq",
        abstract: "Moves SYSPRO financial records into Google BigQuery through a verifiable on-disk staging log.",
        version: SysproBQVersion.current
    )
}
