import ArgumentParser
import Common
import Foundation
import Operator

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the configuration, staging directory, locks, credentials (names only) and streams.",
        discussion: "Reads only: takes no lock and decrypts nothing."
    )

    @Flag(help: "Print the status as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let environment = try CommandEnvironment.load(global)
        let configuration = environment.configuration
        let staging = configuration.staging.directory
        var keyProblem: String?
        var keySource = "key file \(configuration.security.keyFile)"
        do {
            keySource =
                "\(try MasterKey.load(keyFile: configuration.security.keyFile, environment: environment.processEnvironment).source)"
        } catch {
            keyProblem = error.message
        }
        let credentials = try CredentialStore.entries(atPath: configuration.security.credentialsFile).map {
            StatusReport.Credential(
                name: $0.name.rawValue,
                created: Timestamp.rfc3339($0.created),
                updated: Timestamp.rfc3339($0.updated)
            )
        }
        var streams: [StatusReport.Stream]?
        var streamsError: SysproBQError?
        do {
            streams = try Pipeline.streamStatus(configuration)
        } catch {
            streamsError = error
        }
        let report = StatusReport(
            version: SysproBQVersion.current,
            configurationFile: configuration.file.path,
            stagingDirectory: staging,
            stagingExists: FileSystem.isDirectory(staging),
            stagingFreeBytes: Self.freeBytes(staging),
            locks: RunLock.Side.allCases.map { side in
                StatusReport.Lock(side: side.rawValue, heldBy: Self.liveHolder(directory: staging, name: side.rawValue))
            },
            masterKey: keySource,
            masterKeyProblem: keyProblem,
            credentialsFile: configuration.security.credentialsFile,
            credentials: credentials,
            companies: configuration.syspro.companies,
            configuredTables: configuration.tables.map(\.name),
            missingForExtract: configuration.missingKeys(for: [.extract]).map { "\($0.key) in [\($0.section)]" },
            missingForLoad: configuration.missingKeys(for: [.load]).map { "\($0.key) in [\($0.section)]" },
            streams: streams,
            streamsProblem: streamsError?.message
        )
        print(json ? try report.json() : report.text)
        if let streamsError { throw streamsError }
    }

    /// The lock's holder record, if the process it names is alive (a crashed holder leaves its record behind,
    /// but the kernel has released its lock).
    static func liveHolder(directory: String, name: String) -> String? {
        guard let holder = DirectoryLock.holderDescription(directory: directory, name: name) else { return nil }
        let fields = holder.split(separator: " ")
        guard fields.count >= 2, fields[0] == "pid", let pid = Int32(fields[1]) else { return holder }
        return kill(pid, 0) == 0 || errno == EPERM ? holder : nil
    }

    static func freeBytes(_ path: String) -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path),
            let free = attributes[.systemFreeSize] as? NSNumber
        else { return nil }
        return free.int64Value
    }
}
