public import Common
public import Foundation

extension Configuration {
    /// Reads, parses and validates the configuration file at `path`, applying environment overrides.
    ///
    /// - Parameters:
    ///   - path: the file, as the operator gave it (it is named this way in error messages).
    ///   - environment: the process environment (`SYSPRO_BQ_<SECTION>_<KEY>` overrides are read from it).
    /// - Throws: `SysproBQError` with code `.configuration` naming the file and line (or variable) of every
    ///   problem found, or `.fileSystem` when the file cannot be read.
    public static func load(path: String, environment: [String: String]) throws(SysproBQError) -> Configuration {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            if !FileManager.default.fileExists(atPath: file.path) {
                throw SysproBQError(
                    .configuration,
                    "configuration file \(path) does not exist",
                    remedy:
                        "create one with `syspro-bq init`, or name it with --config PATH or SYSPRO_BQ_CONFIG",
                    disposition: .terminal
                )
            }
            throw SysproBQError(
                .fileSystem,
                "cannot read configuration file \(path)",
                remedy: "check the file's permissions",
                cause: .other(String(describing: error)),
                disposition: .needsHuman
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SysproBQError(
                .configuration,
                "configuration file \(path) is not valid UTF-8",
                remedy: "save it as UTF-8",
                disposition: .terminal
            )
        }
        return try parse(text, file: file, displayName: path, environment: environment)
    }

    /// Parses and validates configuration text (the body of ``load(path:environment:)``).
    ///
    /// - Parameters:
    ///   - text: TOML text.
    ///   - file: the file the text came from; relative paths resolve against its directory.
    ///   - displayName: how the file is named in messages (`syspro-bq.toml:12: ...`).
    ///   - environment: the process environment, for overrides.
    public static func parse(
        _ text: String,
        file: URL,
        displayName: String,
        environment: [String: String]
    ) throws(SysproBQError) -> Configuration {
        let document: TOMLDocument
        do {
            document = try TOMLParser.parse(text)
        } catch {
            throw SysproBQError(
                .configuration,
                "\(displayName):\(error.position.line):\(error.position.column): \(error.message)",
                remedy: "fix the TOML syntax at that line and column",
                disposition: .terminal
            )
        }
        let problems = ConfigurationProblems()
        let directory = file.deletingLastPathComponent()
        var sectionValues: [String: [String: SourcedValue]] = [:]
        var tableSections: [(name: String, values: [String: SourcedValue])] = []

        for table in document.tables {
            let values = collect(table, displayName: displayName, problems: problems)
            switch table.path.count {
            case 0:
                for entry in table.entries {
                    var message = "\(displayName):\(entry.keyPosition.line): key '\(entry.key)' is outside any section"
                    if let home = ConfigurationSchema.sections.first(where: { $0.keys.contains(entry.key) }) {
                        message += "; it belongs under [\(home.name)]"
                    }
                    problems.add(message, remedy: "put every key under its [section] header")
                }
            case 1 where ConfigurationSchema.keys(of: table.path[0]) != nil:
                let name = table.path[0]
                checkKeys(table, allowed: ConfigurationSchema.keys(of: name) ?? [], displayName: displayName, problems)
                sectionValues[name] = values
            case 1 where table.path[0] == "tables":
                for entry in table.entries {
                    problems.add(
                        "\(displayName):\(entry.keyPosition.line): key '\(entry.key)' is directly under [tables]; "
                            + "table settings go under [tables.<Name>], e.g. [tables.ApInvoice]"
                    )
                }
            case 2 where table.path[0] == "tables":
                checkKeys(table, allowed: ConfigurationSchema.tableKeys, displayName: displayName, problems)
                tableSections.append((table.path[1], values))
            default:
                var message = "\(displayName):\(table.headerPosition.line): unknown section \(table.displayName)"
                if let suggestion = Suggestion.closest(
                    to: table.path.joined(separator: "."),
                    in: ConfigurationSchema.sectionNames
                ) {
                    message += "; did you mean [\(suggestion)\(suggestion == "tables" ? ".<Name>" : "")]?"
                }
                message += " allowed: " + ConfigurationSchema.sectionNames.map { "[\($0)]" }.joined(separator: ", ")
                message = message.replacingOccurrences(of: "[tables]", with: "[tables.<Name>]")
                problems.add(message)
            }
        }
        applyEnvironment(environment, to: &sectionValues, problems: problems)

        func reader(_ section: String) -> SectionReader {
            SectionReader(
                section: section,
                values: sectionValues[section] ?? [:],
                problems: problems,
                directory: directory
            )
        }
        let configuration = Configuration(
            file: file,
            directory: directory,
            syspro: readSyspro(reader("syspro")),
            bigQuery: readBigQuery(reader("bigquery")),
            staging: readStaging(reader("staging")),
            security: readSecurity(reader("security")),
            logging: readLogging(reader("logging")),
            metrics: readMetrics(reader("metrics")),
            tables: tableSections.map { section in
                readTable(
                    section.name,
                    SectionReader(
                        section: "tables.\(section.name)",
                        values: section.values,
                        problems: problems,
                        directory: directory
                    )
                )
            },
            origins: origins(of: sectionValues)
        )
        if !problems.isEmpty {
            let message: String
            if problems.messages.count == 1 {
                message = problems.messages[0]
            } else {
                message =
                    "\(displayName) has \(problems.messages.count) problems:\n    "
                    + problems.messages.joined(separator: "\n    ")
            }
            let remedy = problems.remedies.isEmpty ? nil : problems.remedies.joined(separator: "; ")
            throw SysproBQError(.configuration, message, remedy: remedy, disposition: .terminal)
        }
        return configuration
    }

    // MARK: - Keys and overrides

    private static func collect(
        _ table: TOMLTable,
        displayName: String,
        problems: ConfigurationProblems
    ) -> [String: SourcedValue] {
        var values: [String: SourcedValue] = [:]
        for entry in table.entries {
            values[entry.key] = SourcedValue(
                raw: .toml(entry.value),
                origin: .file(path: displayName, line: entry.keyPosition.line)
            )
        }
        return values
    }

    private static func checkKeys(
        _ table: TOMLTable,
        allowed: [String],
        displayName: String,
        _ problems: ConfigurationProblems
    ) {
        for entry in table.entries where !allowed.contains(entry.key) {
            var message = "\(displayName):\(entry.keyPosition.line): unknown key '\(entry.key)' in \(table.displayName)"
            var remedy: String?
            if let suggestion = Suggestion.closest(to: entry.key, in: allowed) {
                message += "; did you mean '\(suggestion)'?"
            } else if let home = ConfigurationSchema.sections.first(where: { $0.keys.contains(entry.key) }) {
                message += "; it belongs under [\(home.name)]"
            }
            if ["password", "secret", "token", "private_key", "key"].contains(where: {
                entry.key.lowercased().contains($0)
            })
                && !["key_file", "keys", "token_uri"].contains(entry.key)
            {
                remedy =
                    "secrets are never kept in the configuration: store them with `syspro-bq creds set` "
                    + "or `syspro-bq creds import-service-account`"
            }
            message += " allowed: " + allowed.joined(separator: ", ")
            problems.add(message, remedy: remedy)
        }
    }

    private static func applyEnvironment(
        _ environment: [String: String],
        to sectionValues: inout [String: [String: SourcedValue]],
        problems: ConfigurationProblems
    ) {
        let known = ConfigurationSchema.environmentVariables
        for (variable, value) in environment.sorted(by: { $0.key < $1.key })
        where variable.hasPrefix(ConfigurationSchema.environmentPrefix)
            && !ConfigurationSchema.nonOverrideVariables.contains(variable)
        {
            var matched = false
            for section in ConfigurationSchema.sections {
                for key in section.keys
                where ConfigurationSchema.environmentVariable(section: section.name, key: key) == variable {
                    sectionValues[section.name, default: [:]][key] = SourcedValue(
                        raw: .environment(value),
                        origin: .environment(variable: variable)
                    )
                    matched = true
                }
            }
            if !matched {
                var message = "environment variable \(variable) is not a syspro-bq setting"
                if let suggestion = Suggestion.closest(to: variable, in: known) {
                    message += "; did you mean \(suggestion)?"
                }
                problems.add(
                    message,
                    remedy:
                        "overrides are named SYSPRO_BQ_<SECTION>_<KEY> (see docs/configuration.md); unset variables "
                        + "that are not"
                )
            }
        }
    }

    private static func origins(of sectionValues: [String: [String: SourcedValue]]) -> [String: ValueOrigin] {
        var result: [String: ValueOrigin] = [:]
        for (section, values) in sectionValues {
            for (key, value) in values { result["\(section).\(key)"] = value.origin }
        }
        return result
    }
}
