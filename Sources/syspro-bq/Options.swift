import ArgumentParser
import Operator

/// `--config`, `--log-format`, `--log-level`: accepted by every command that reads the configuration.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The configuration file (default: $SYSPRO_BQ_CONFIG, else ./syspro-bq.toml).",
            valueName: "path"
        )
    )
    var config: String?

    @Option(help: ArgumentHelp("Log format: text or json (default: [logging] format).", valueName: "format"))
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "Log level: trace, debug, info, notice, warning, error or critical (default: [logging] level).",
            valueName: "level"
        )
    )
    var logLevel: String?

    func validate() throws {
        if let logFormat, Configuration.LogFormat(rawValue: logFormat) == nil {
            throw ValidationError("--log-format must be one of: text, json (found '\(logFormat)')")
        }
        if let logLevel, Configuration.LogLevel(rawValue: logLevel) == nil {
            let allowed = Configuration.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level must be one of: \(allowed) (found '\(logLevel)')")
        }
    }
}

/// `--json-summary`: for the commands that produce a run summary.
struct SummaryOptions: ParsableArguments {
    @Flag(help: "Also print the run summary as one line of JSON on stdout, for schedulers.")
    var jsonSummary = false
}

/// `--from` / `--to` business dates, inclusive.
struct DateRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("First business date, inclusive (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last business date, inclusive (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    /// The range, when both are given (validated).
    var range: BusinessDateRange? {
        guard let from, let to, let start = BusinessDate(from), let end = BusinessDate(to) else { return nil }
        return BusinessDateRange(from: start, to: end)
    }

    /// Validates the dates; `required` makes both mandatory.
    func check(required: Bool) throws {
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, BusinessDate(value) == nil {
                throw ValidationError("\(flag) must be a date as YYYY-MM-DD (found '\(value)')")
            }
        }
        switch (from, to) {
        case (nil, nil):
            if required { throw ValidationError("--from and --to are required") }
        case (nil, _?):
            throw ValidationError("--to needs --from")
        case (_?, nil):
            throw ValidationError("--from needs --to")
        case (let start?, let end?):
            if range == nil { throw ValidationError("--from \(start) is after --to \(end)") }
        }
    }
}

/// Table names on the command line: SYSPRO table names are identifiers.
enum TableNames {
    static func check(_ tables: [String]) throws {
        for table in tables where !isTableName(table) {
            throw ValidationError("--table '\(table)' is not a SYSPRO table name (letters, digits and '_')")
        }
        var seen: Set<String> = []
        for table in tables where !seen.insert(table).inserted {
            throw ValidationError("--table \(table) is given twice")
        }
    }

    static func isTableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }
}
