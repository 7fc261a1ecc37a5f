import ArgumentParser
import Common
import Foundation
import Operator

/// `syspro-bq init`: a commented configuration file, the staging directory and a master key.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a commented syspro-bq.toml, the staging directory (0700) and a master key file (0600).",
        discussion: """
            Refuses to overwrite an existing configuration file. An existing key file is kept (the credential \
            store needs it); a new one holds 32 random bytes as 64 hexadecimal digits.
            """
    )

    @Option(help: ArgumentHelp("Where to create syspro-bq.toml and the staging directory.", valueName: "directory"))
    var directory: String = "."

    @Option(
        help: ArgumentHelp(
            "Where to write the master key (default: syspro-bq.key beside the configuration).",
            valueName: "path"
        )
    )
    var keyFile: String?

    func validate() throws {
        if directory.isEmpty { throw ValidationError("--directory must not be empty") }
        if let keyFile, keyFile.isEmpty { throw ValidationError("--key-file must not be empty") }
    }

    func run() throws {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        let configPath = base + "/" + ConfigurationLocation.defaultFileName
        let stagingPath = base + "/staging"
        let keyPath = keyFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? base + "/syspro-bq.key"
        guard !FileSystem.exists(configPath) else {
            throw SysproBQError(
                .configuration,
                "\(configPath) already exists; init does not overwrite it",
                remedy: "edit the existing file, or move it away and run init again",
                disposition: .terminal
            )
        }
        try FileSystem.makeDirectory(base, permissions: 0o755, intermediate: true)
        if FileSystem.exists(stagingPath) {
            guard FileSystem.isDirectory(stagingPath) else {
                throw SysproBQError(
                    .fileSystem,
                    "\(stagingPath) exists and is not a directory",
                    disposition: .needsHuman
                )
            }
            try FileSystem.setPermissions(of: stagingPath, to: 0o700)
        } else {
            try FileSystem.makeDirectory(stagingPath, permissions: 0o700)
        }
        let keptKey = FileSystem.exists(keyPath)
        if keptKey {
            _ = try MasterKey.load(keyFile: keyPath, environment: [:])
        } else {
            try MasterKey.generate(source: .file(keyPath)).write(to: keyPath)
        }
        let keyInFile = keyFile == nil ? "syspro-bq.key" : keyPath
        let text = ConfigurationTemplate.render(stagingDirectory: "staging", keyFile: keyInFile)
        try FileSystem.writeAtomically(Array(text.utf8), to: configPath, permissions: 0o644)

        let configFlag =
            URL(fileURLWithPath: configPath).deletingLastPathComponent().path
                == FileManager.default.currentDirectoryPath ? "" : " --config \(configPath)"
        print(
            """
            Created \(configPath)
            Created \(stagingPath) (mode 0700)
            \(keptKey ? "Kept the existing master key" : "Created the master key") \(keyPath) (mode 0600)

            Back up the key file somewhere safe and separate: without it the stored credentials cannot be read.

            Next steps:
              1. Edit \(configPath): set [syspro] odata_url, companies, operator, time_zone
                 and [bigquery] project, dataset.
              2. syspro-bq creds set syspro-password\(configFlag)
              3. syspro-bq creds import-service-account KEY.json\(configFlag)
              4. syspro-bq check\(configFlag)
              5. Schedule `syspro-bq extract` and `syspro-bq load` (see docs/operations.md).
            """
        )
    }
}
