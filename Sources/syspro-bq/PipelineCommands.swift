import ArgumentParser
import Common
import Foundation
import Logging
import Operator

/// Checks `--table` and `--company` against the configuration (and, once wired, the catalog).
enum Selection {
    static func check(tables: [String], company: String?, environment: CommandEnvironment) throws(SysproBQError) {
        let configuration = environment.configuration
        let known = Pipeline.knownTableNames(configuration)
        for table in tables where !known.contains(table) {
            var message = "unknown table '\(table)'"
            if let suggestion = closest(table, in: known) { message += "; did you mean '\(suggestion)'?" }
            throw SysproBQError(
                .usage,
                message,
                remedy: "known tables: " + (known.isEmpty ? "(none)" : known.sorted().joined(separator: ", ")),
                disposition: .terminal
            )
        }
        if let company, !configuration.syspro.companies.contains(company) {
            throw SysproBQError(
                .usage,
                "company '\(company)' is not in [syspro] companies ("
                    + configuration.syspro.companies.joined(separator: ", ") + ")",
                disposition: .terminal
            )
        }
    }

    private static func closest(_ name: String, in names: Set<String>) -> String? {
        names.first { $0.lowercased() == name.lowercased() }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration and credentials, then ping SYSPRO and BigQuery with them.",
        discussion: """
            Each row is ok, miss (does not exist yet; the next load creates it) or FAIL with what to do. Exit 0 \
            when no row fails; otherwise the exit code of the first failure (69 credentials or permissions, 75 a \
            service unreachable).
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let configuration = environment.configuration
        print("ok    configuration \(environment.configurationName)")
        try configuration.requireReady(for: [.extract, .load], displayName: environment.configurationName)
        print("ok    required keys for extract and load")
        let store = try environment.openCredentials()
        print("ok    master key from \(store.keySource)")
        _ = try store.secret(.sysproPassword)
        print("ok    credential syspro-password decrypts")
        for company in configuration.syspro.companies where try store.companyPassword(for: company) != nil {
            print("ok    company password for \(company) decrypts")
        }
        let key = try store.serviceAccountKey()
        print("ok    service account \(key.clientEmail)")
        guard FileSystem.isDirectory(configuration.staging.directory) else {
            throw SysproBQError(
                .fileSystem,
                "staging directory \(configuration.staging.directory) does not exist",
                remedy: "check that its disk is mounted, or run `syspro-bq init`",
                disposition: .needsHuman
            )
        }
        print("ok    staging directory \(configuration.staging.directory)")
        let context = RunContext(
            configuration: configuration,
            configurationName: environment.configurationName,
            credentials: store,
            logger: environment.logger,
            cancellation: CancellationFlag(),
            progress: ProgressLine(),
            recorder: RunRecorder(),
            runID: RunID.make(at: Date()),
            startedAt: Date()
        )
        let results = try Pipeline.check(context)
        for result in results { print("\(result.label)  \(result.name): \(result.detail)") }
        if let failure = results.lazy.compactMap(\.failure).first { throw ExitCode(ExitCodes.exitCode(for: failure)) }
    }
}

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Read changes from SYSPRO into the staging log (takes the extract lock).",
        discussion: "With --from/--to, re-reads that business-date window (a backfill) without moving the live cursor."
    )

    @Option(name: .customLong("table"), help: ArgumentHelp("Only this table (repeatable).", valueName: "table"))
    var tables: [String] = []

    @Option(help: ArgumentHelp("Only this company.", valueName: "id"))
    var company: String?

    @OptionGroup var dates: DateRangeOptions
    @OptionGroup var summary: SummaryOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try TableNames.check(tables)
        try dates.check(required: false)
        if let company, company.isEmpty { throw ValidationError("--company must not be empty") }
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        try Selection.check(tables: tables, company: company, environment: environment)
        let request = Pipeline.ExtractRequest(tables: tables, company: company, window: dates.range)
        try RunExecution.perform(
            .init(command: "extract", sides: [.extract], needs: [.extract]),
            environment: environment,
            jsonSummary: summary.jsonSummary
        ) { context in try Pipeline.extract(context, request) }
    }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send sealed, unloaded segments to BigQuery (takes the load lock).",
        discussion: "Resumes each segment from the offset the load journal recorded."
    )

    @Option(name: .customLong("table"), help: ArgumentHelp("Only this table (repeatable).", valueName: "table"))
    var tables: [String] = []

    @OptionGroup var summary: SummaryOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws { try TableNames.check(tables) }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        try Selection.check(tables: tables, company: nil, environment: environment)
        let request = Pipeline.LoadRequest(tables: tables)
        try RunExecution.perform(
            .init(command: "load", sides: [.load], needs: [.load]),
            environment: environment,
            jsonSummary: summary.jsonSummary
        ) { context in try Pipeline.load(context, request) }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-send the sealed segments covering a business-date range, from disk (takes the load lock).",
        discussion: """
            SYSPRO is not contacted. Rows keep their insert ids, so BigQuery's current-state views are the same \
            whether a segment is sent once or many times.
            """
    )

    @Option(help: ArgumentHelp("The table to replay.", valueName: "table"))
    var table: String

    @Option(help: ArgumentHelp("Only this company.", valueName: "id"))
    var company: String?

    @OptionGroup var dates: DateRangeOptions

    @Flag(help: "List the segments that would be sent; send nothing.")
    var dryRun = false

    @OptionGroup var summary: SummaryOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try TableNames.check([table])
        try dates.check(required: true)
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        try Selection.check(tables: [table], company: company, environment: environment)
        guard let window = dates.range else { throw ValidationError("--from and --to are required") }
        let request = Pipeline.ReplayRequest(table: table, company: company, window: window, dryRun: dryRun)
        try RunExecution.perform(
            .init(command: "replay", sides: [.load], needs: [.load]),
            environment: environment,
            jsonSummary: summary.jsonSummary
        ) { context in try Pipeline.replay(context, request) }
    }
}
