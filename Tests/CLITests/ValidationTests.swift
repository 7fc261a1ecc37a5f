import Foundation
import Testing

@Suite("CLI validation errors and exit codes")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var status: Int32
        var fragment: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["frobnicate"], status: 64, fragment: "Unexpected argument 'frobnicate'"),
        Case(arguments: ["extract", "--frobnicate"], status: 64, fragment: "Unknown option '--frobnicate'"),
        Case(arguments: ["status", "--json", "--verbose"], status: 64, fragment: "Unknown option '--verbose'"),
        Case(arguments: ["reconcile", "--period", "2026/01"], status: 64, fragment: "--period must be YYYY-PP"),
        Case(
            arguments: ["reconcile", "--period", "2026-01", "--from", "2026-01-01", "--to", "2026-01-31"],
            status: 64,
            fragment: "use --period or --from/--to, not both"
        ),
        Case(
            arguments: ["extract", "--from", "2026-13-01", "--to", "2026-12-31"],
            status: 64,
            fragment: "--from must be a date as YYYY-MM-DD (found '2026-13-01')"
        ),
        Case(
            arguments: ["extract", "--from", "2026-02-01", "--to", "2026-01-01"],
            status: 64,
            fragment: "--from 2026-02-01 is after --to 2026-01-01"
        ),
        Case(arguments: ["extract", "--from", "2026-02-01"], status: 64, fragment: "--from needs --to"),
        Case(arguments: ["extract", "--to", "2026-02-01"], status: 64, fragment: "--to needs --from"),
        Case(
            arguments: ["extract", "--table", "Ap-Invoice"],
            status: 64,
            fragment: "--table 'Ap-Invoice' is not a SYSPRO table name"
        ),
        Case(
            arguments: ["extract", "--table", "ApInvoice", "--table", "ApInvoice"],
            status: 64,
            fragment: "--table ApInvoice is given twice"
        ),
        Case(arguments: ["replay", "--table", "ApInvoice"], status: 64, fragment: "--from and --to are required"),
        Case(
            arguments: ["replay", "--from", "2026-01-01", "--to", "2026-01-31"],
            status: 64,
            fragment: "Missing expected argument '--table <table>'"
        ),
        Case(
            arguments: ["run", "--every", "10"],
            status: 64,
            fragment: "--every must be a duration such as 30s, 10m, 1h or 1h30m"
        ),
        Case(arguments: ["run", "--every", "0s"], status: 64, fragment: "from 1s to 7d (found '0s')"),
        Case(
            arguments: ["archive", "--older-than", "0", "--to", "/tmp/x"],
            status: 64,
            fragment: "--older-than must be a number of days from 1 to 36500"
        ),
        Case(
            arguments: ["archive", "--older-than", "30"],
            status: 64,
            fragment: "Missing expected argument '--to <directory>'"
        ),
        Case(arguments: ["verify", "--from", "2026-01-01"], status: 64, fragment: "--from needs --to"),
        Case(
            arguments: ["status", "--log-format", "xml"],
            status: 64,
            fragment: "--log-format must be one of: text, json (found 'xml')"
        ),
        Case(
            arguments: ["status", "--log-level", "loud"],
            status: 64,
            fragment: "--log-level must be one of: trace, debug"
        ),
        Case(
            arguments: ["creds", "set", "root-password"],
            status: 64,
            fragment: "The value 'root-password' is invalid for '<name>'"
        ),
        Case(
            arguments: ["creds", "set", "syspro-password", "--company", "A"],
            status: 64,
            fragment: "--company applies only to company-password"
        ),
        Case(
            arguments: ["status", "--config", "/nonexistent/syspro-bq.toml"],
            status: 78,
            fragment: "configuration file /nonexistent/syspro-bq.toml does not exist"
        ),
    ]

    /// Each mistake exits with its documented code and says what is wrong.
    @Test(arguments: cases)
    func validationErrorsExitWithTheirCode(_ testCase: Case) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(testCase.arguments, in: directory)
        #expect(result.status == testCase.status, "\(result.combined)")
        #expect(result.combined.contains(testCase.fragment), "\(result.combined)")
    }

    /// A configuration mistake names file:line and the key, and exits 78.
    @Test func configurationErrorNamesTheLine() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[syspro]\npagesize = 10\n".write(
            to: directory.appendingPathComponent("syspro-bq.toml"),
            atomically: true,
            encoding: .utf8
        )
        let result = try CLI.run(["status"], in: directory)
        #expect(result.status == 78)
        #expect(
            result.stderr.contains(
                "error: syspro-bq.toml:2: unknown key 'pagesize' in [syspro]; did you mean 'page_size'?"
            )
        )
    }

    /// A bad value names file:line, the key and section, the allowed values and a suggestion, and exits 78.
    @Test func badConfigurationValueNamesAllowedValues() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "# comment\n[bigquery]\nload_mode = \"loadjob\"\n".write(
            to: directory.appendingPathComponent("syspro-bq.toml"),
            atomically: true,
            encoding: .utf8
        )
        let result = try CLI.run(["status"], in: directory)
        #expect(result.status == 78, "\(result.combined)")
        #expect(result.stderr.contains("syspro-bq.toml:3:"), "\(result.combined)")
        #expect(
            result.stderr.contains(
                "load_mode in [bigquery] must be one of \"insertAll\", \"loadJob\"; found \"loadjob\"; did you mean \"loadJob\"?"
            ),
            "\(result.combined)"
        )
    }

    /// An environment override of the wrong type names the variable and exits 78.
    @Test func environmentOverrideErrorNamesTheVariable() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let result = try CLI.run(["status"], in: directory, environment: ["SYSPRO_BQ_SYSPRO_CONCURRENCY": "many"])
        #expect(result.status == 78)
        #expect(
            result.stderr.contains(
                "environment variable SYSPRO_BQ_SYSPRO_CONCURRENCY: concurrency in [syspro] must be an integer from 1 to 4; found 'many'"
            )
        )
    }

    /// An unknown --table (not in the configuration) is a usage error after the configuration is read.
    @Test func unknownTableIsAUsageError() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let result = try CLI.run(["load", "--table", "NoSuchTable"], in: directory)
        #expect(result.status == 64)
        #expect(result.stderr.contains("error: unknown table 'NoSuchTable'"))
    }

    /// A command run before the required keys are set lists them all and exits 78.
    @Test func missingKeysAreListed() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["init"], in: directory)
        let result = try CLI.run(["load"], in: directory)
        #expect(result.status == 78)
        #expect(result.stderr.contains("missing required keys for load: project in [bigquery]"))
        #expect(result.stderr.contains("SYSPRO_BQ_BIGQUERY_DATASET"))
    }
}
