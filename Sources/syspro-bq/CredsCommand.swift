import ArgumentParser
import Common
import Foundation
import Logging
import Operator

/// `syspro-bq creds …`: the encrypted credential store.
struct CredsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creds",
        abstract: "Store, list and re-encrypt the SYSPRO passwords and the Google service-account key.",
        discussion: """
            Credentials are kept in credentials.enc.json beside the configuration, each sealed with AES-256-GCM \
            under the master key ($SYSPRO_BQ_MASTER_KEY, else [security] key_file). Values are never printed.
            """,
        subcommands: [Set.self, ImportServiceAccount.self, List.self, RotateKey.self]
    )

    /// The credentials `creds set` stores.
    enum Settable: String, ExpressibleByArgument, CaseIterable {
        case sysproPassword = "syspro-password"
        case companyPassword = "company-password"
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Store a SYSPRO password, typed at a prompt (no echo) or read as one line from stdin."
        )

        @Argument(help: ArgumentHelp("Which password to store.", valueName: "name"))
        var name: Settable

        @Option(help: ArgumentHelp("The company whose password this is (default: every company).", valueName: "id"))
        var company: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if company != nil && name != .companyPassword {
                throw ValidationError("--company applies only to company-password")
            }
            if let company,
                company.isEmpty || company.contains("/") || company.first?.isWhitespace == true
                    || company.last?.isWhitespace == true
            {
                throw ValidationError("--company '\(company)' is not a SYSPRO company id")
            }
        }

        func run() throws {
            let environment = try CommandEnvironment.load(global)
            if let company, !environment.configuration.syspro.companies.isEmpty,
                !environment.configuration.syspro.companies.contains(company)
            {
                throw SysproBQError(
                    .usage,
                    "company '\(company)' is not in [syspro] companies ("
                        + environment.configuration.syspro.companies.joined(separator: ", ") + ")",
                    remedy: "add it to companies in \(environment.configurationName), or check the spelling",
                    disposition: .terminal
                )
            }
            var store = try environment.openCredentials()
            let credential: CredentialName = name == .sysproPassword ? .sysproPassword : .companyPassword(company)
            let prompt: String
            switch name {
            case .sysproPassword:
                let operatorCode = environment.configuration.syspro.operatorCode.map { " for operator \($0)" } ?? ""
                prompt = "SYSPRO password\(operatorCode): "
            case .companyPassword:
                prompt = "SYSPRO company password\(company.map { " for company \($0)" } ?? " (all companies)"): "
            }
            let secret = try PasswordPrompt.read(prompt: prompt)
            if secret.count < 4 {
                environment.logger.warning(
                    "Short secret stored: secrets under 4 characters cannot be scrubbed from logs reliably",
                    metadata: ["credential": "\(credential)"]
                )
            }
            try store.set(credential, to: secret)
            print("Stored \(credential) in \(store.path).")
        }
    }

    struct ImportServiceAccount: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-service-account",
            abstract: "Validate a Google service-account JSON key and store it encrypted."
        )

        @Argument(help: ArgumentHelp("The JSON key file downloaded from Google Cloud.", valueName: "key.json"))
        var keyFile: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let environment = try CommandEnvironment.load(global)
            var store = try environment.openCredentials()
            guard FileSystem.exists(keyFile) else {
                throw SysproBQError(.usage, "\(keyFile) does not exist", disposition: .terminal)
            }
            let bytes = try FileSystem.readFile(keyFile)
            let key: ServiceAccountKey
            do {
                key = try ServiceAccountKey(jsonBytes: bytes)
            } catch {
                throw error.adding(context: keyFile)
            }
            // A damaged PEM body passes the shape checks above; refuse it now, not at the first load.
            guard (try? RS256Signer(pemPrivateKey: key.privateKey.stringValue)) != nil else {
                throw SysproBQError(
                    .usage,
                    "\(keyFile): not a Google service-account key: \"private_key\" is not a readable RSA private key",
                    remedy: "the file is damaged or was edited: download a new JSON key for the service account "
                        + "(IAM → Service accounts → Keys → Add key → JSON)",
                    disposition: .terminal
                )
            }
            try store.set(.serviceAccount, to: Secret(bytes: bytes))
            print("Stored \(CredentialName.serviceAccount) (\(key.clientEmail)) in \(store.path).")
            print("The downloaded \(keyFile) is no longer needed by syspro-bq; delete it or keep it offline.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List stored credentials: names and dates only."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let environment = try CommandEnvironment.load(global)
            let path = environment.configuration.security.credentialsFile
            let entries = try CredentialStore.entries(atPath: path)
            print("Credentials in \(path):")
            if entries.isEmpty { print("  (none stored)") }
            for entry in entries {
                let name = entry.name.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)
                print(
                    "  \(name) created \(Timestamp.rfc3339(entry.created))  updated \(Timestamp.rfc3339(entry.updated))"
                )
            }
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Create a new master key and re-encrypt every credential under it, atomically.",
            discussion: """
                With a key file, the new key replaces it in place. With $SYSPRO_BQ_MASTER_KEY, pass \
                --new-key-file: the new key is written there for you to move into the variable.
                """
        )

        @Option(
            help: ArgumentHelp(
                "Where to write the new key when the key comes from $SYSPRO_BQ_MASTER_KEY.",
                valueName: "path"
            )
        )
        var newKeyFile: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let environment = try CommandEnvironment.load(global)
            var store = try environment.openCredentials()
            let count = store.entries.count
            let source = try store.rotateKey(newKeyFile: newKeyFile)
            switch (store.keySource, source) {
            case (_, .file(let path)) where newKeyFile != nil:
                print("Re-encrypted \(count) credential(s) under a new master key, written to \(path).")
                print(
                    "Set \(MasterKey.environmentVariable) to the contents of \(path) wherever syspro-bq runs, then delete the file."
                )
            case (_, let source):
                print("Re-encrypted \(count) credential(s) under a new master key in \(source).")
                print("Back up the new key; the old key no longer opens the store.")
            }
        }
    }
}
