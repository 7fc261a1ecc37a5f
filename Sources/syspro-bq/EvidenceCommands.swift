import ArgumentParser
import Common
import Foundation
import Logging
import Operator

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove from the manifests' checksum chain that no segment was altered, removed or reordered.",
        discussion: """
            Reads only the staging log (or --archive): no credentials, no lock, no network. Exit 0 when the \
            evidence is intact, 65 when damage was found (each problem is listed).
            """
    )

    @Option(help: ArgumentHelp("Only this table.", valueName: "table"))
    var table: String?

    @OptionGroup var dates: DateRangeOptions

    @Option(
        help: ArgumentHelp("Verify this archive directory instead of the staging directory.", valueName: "directory")
    )
    var archive: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let table { try TableNames.check([table]) }
        try dates.check(required: false)
        if let archive, archive.isEmpty { throw ValidationError("--archive must not be empty") }
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        if let archive, !FileSystem.isDirectory(archive) {
            throw SysproBQError(.usage, "archive directory \(archive) does not exist", disposition: .terminal)
        }
        let request = Pipeline.VerifyRequest(table: table, window: dates.range, archiveDirectory: archive)
        let result = try Pipeline.verify(
            environment.configuration,
            logger: environment.logger,
            cancellation: CancellationFlag(),
            request
        )
        for problem in result.problems { print("DAMAGED  \(problem)") }
        if result.problems.isEmpty {
            print("verified \(result.segmentsChecked) segment(s): the checksum chain is intact")
        } else {
            print("verified \(result.segmentsChecked) segment(s): \(result.problems.count) problem(s) found")
            print(
                "  what to do: the files named above were altered, truncated, removed or reordered after they were "
                    + "sealed; restore them from a backup or the archive (sealed files are never rewritten), then run "
                    + "verify again; load refuses a damaged segment until then"
            )
            throw ExitCode(ExitCodes.dataError)
        }
    }
}

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move sealed, fully loaded segments older than N days, with their manifests, to another directory.",
        discussion: "Takes both staging locks. The archive stays verifiable with `syspro-bq verify --archive DIR`."
    )

    @Option(help: ArgumentHelp("Archive segments sealed more than this many days ago.", valueName: "days"))
    var olderThan: Int

    @Option(help: ArgumentHelp("The archive directory.", valueName: "directory"))
    var to: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...36_500).contains(olderThan) else {
            throw ValidationError("--older-than must be a number of days from 1 to 36500 (found \(olderThan))")
        }
        if to.isEmpty { throw ValidationError("--to must not be empty") }
    }

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let configuration = environment.configuration
        let destination = URL(fileURLWithPath: to).standardizedFileURL.path
        let staging = URL(fileURLWithPath: configuration.staging.directory).standardizedFileURL.path
        if destination == staging || destination.hasPrefix(staging + "/") {
            throw SysproBQError(
                .usage,
                "--to \(to) is inside the staging directory \(staging)",
                remedy: "archive to a directory outside the staging directory",
                disposition: .terminal
            )
        }
        let lock = try RunLock.acquire(directory: staging, sides: [.extract, .load], command: "archive")
        defer { try? lock.release() }
        let result = try Pipeline.archive(
            configuration,
            logger: environment.logger,
            cancellation: CancellationFlag(),
            Pipeline.ArchiveRequest(olderThanDays: olderThan, destination: destination)
        )
        print("archived \(result.segmentsMoved) segment(s), \(result.bytesMoved) bytes, to \(destination)")
    }
}
