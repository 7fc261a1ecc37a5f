import Common
import Foundation
import Operator
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let file = URL(fileURLWithPath: "/etc/syspro-bq/syspro-bq.toml")

    static func parse(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
        try Configuration.parse(text, file: file, displayName: "syspro-bq.toml", environment: environment)
    }

    static let complete = """
        # A complete file.
        [syspro]
        odata_url = "https://erp:443/SYSPRO8Odata/SYSPROOData/"
        enet_url = "https://erp/SYSPROWCFService/Rest"
        source = "odata"
        companies = ["A", "EDU1"]
        operator = "BQSYNC"
        time_zone = "Africa/Johannesburg"
        concurrency = 3
        page_size = 1000
        timeout_seconds = 60
        next_link = false
        allow_skip_paging = true

        [bigquery]
        project = "acme-finance"
        dataset = "syspro_raw"
        location = "EU"
        load_mode = "loadJob"
        batch_rows = 250
        in_flight = 2
        table_prefix = "sys_"
        gcs_staging_uri = "gs://acme-staging/syspro"

        [staging]
        directory = "/var/lib/syspro-bq/staging"
        segment_max_rows = 50000
        gzip_level = 6
        retention_days = 2555
        archive_directory = "archive"

        [security]
        key_file = "keys/master.key"

        [logging]
        format = "json"
        level = "debug"

        [metrics]
        prometheus_textfile = "/var/lib/node_exporter/syspro_bq.prom"

        [tables.ApInvoice]
        strategy = "business_date"
        business_date_column = "InvoiceDate"
        look_back_days = 7
        partitioning = "business_date_month"
        clustering = ["Supplier", "Invoice"]
        schedule_hint = "every 10m"

        [tables.CusMemo]
        enabled = true
        strategy = "snapshot"
        keys = ["Customer", "Line"]
        columns = ["Customer:varchar(15)", "Line:decimal(4,0)", "Memo:nvarchar(max)"]
        load_mode = "insertAll"
        """

    /// A complete file yields every typed value, with relative paths resolved against the file's directory.
    @Test func completeFileParsesEveryKey() throws {
        let configuration = try Self.parse(Self.complete)
        #expect(configuration.syspro.odataURL == "https://erp:443/SYSPRO8Odata/SYSPROOData")
        #expect(configuration.syspro.companies == ["A", "EDU1"])
        #expect(configuration.syspro.operatorCode == "BQSYNC")
        #expect(configuration.syspro.timeZone?.identifier == "Africa/Johannesburg")
        #expect(configuration.syspro.concurrency == 3)
        #expect(configuration.syspro.pageSize == 1000)
        #expect(configuration.syspro.nextLink == false)
        #expect(configuration.syspro.allowSkipPaging == true)
        #expect(configuration.bigQuery.loadMode == .loadJob)
        #expect(configuration.bigQuery.location == "EU")
        #expect(configuration.bigQuery.gcsStagingURI == "gs://acme-staging/syspro")
        #expect(configuration.staging.gzipLevel == 6)
        #expect(configuration.staging.retentionDays == 2555)
        #expect(configuration.staging.archiveDirectory == "/etc/syspro-bq/archive")
        #expect(configuration.security.keyFile == "/etc/syspro-bq/keys/master.key")
        #expect(configuration.security.credentialsFile == "/etc/syspro-bq/credentials.enc.json")
        #expect(configuration.logging.format == .json)
        #expect(configuration.logging.level == .debug)
        let invoice = try #require(configuration.table(named: "ApInvoice"))
        #expect(invoice.strategy == .businessDate)
        #expect(invoice.partitioning == .businessDateMonth)
        #expect(invoice.clustering == ["Supplier", "Invoice"])
        let memo = try #require(configuration.table(named: "CusMemo"))
        #expect(memo.columns?.map(\.sqlType) == ["varchar(15)", "decimal(4,0)", "nvarchar(max)"])
        #expect(configuration.origins["syspro.page_size"] == .file(path: "syspro-bq.toml", line: 10))
        #expect(configuration.missingKeys(for: [.extract, .load]).isEmpty)
    }

    /// An empty file is valid and every default applies; paths default next to the file.
    @Test func emptyFileTakesDefaults() throws {
        let configuration = try Self.parse("")
        #expect(configuration.syspro.source == .odata)
        #expect(configuration.syspro.odataPathTemplate == "{root}/{company}/{table}")
        #expect(configuration.syspro.concurrency == 2)
        #expect(configuration.syspro.pageSize == 5000)
        #expect(configuration.bigQuery.location == "US")
        #expect(configuration.bigQuery.apiURL == "https://bigquery.googleapis.com")
        #expect(configuration.bigQuery.batchRows == 500)
        #expect(configuration.bigQuery.inFlight == 4)
        #expect(configuration.bigQuery.allowInsecureLocalEndpoints == false)
        #expect(configuration.staging.directory == "/etc/syspro-bq/staging")
        #expect(configuration.staging.gzipLevel == 1)
        #expect(configuration.security.keyFile == "/etc/syspro-bq/syspro-bq.key")
        #expect(configuration.logging.format == .text)
    }

    struct MistakeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var environment: [String: String] = [:]
        var fragments: [String]
        var testDescription: String { name }
    }

    static let mistakes: [MistakeCase] = [
        MistakeCase(
            name: "unknown key with suggestion",
            text: "[syspro]\n\npagesize = 10",
            fragments: [
                "syspro-bq.toml:3: unknown key 'pagesize' in [syspro]; did you mean 'page_size'? allowed: odata_url,",
                "allow_skip_paging",
            ]
        ),
        MistakeCase(
            name: "key in the wrong section",
            text: "[syspro]\ndataset = \"x\"",
            fragments: ["syspro-bq.toml:2: unknown key 'dataset' in [syspro]; it belongs under [bigquery]"]
        ),
        MistakeCase(
            name: "key outside any section",
            text: "project = \"p\"\n[syspro]",
            fragments: ["syspro-bq.toml:1: key 'project' is outside any section; it belongs under [bigquery]"]
        ),
        MistakeCase(
            name: "unknown section",
            text: "[bigqeury]\nproject = \"p\"",
            fragments: ["syspro-bq.toml:1: unknown section [bigqeury]; did you mean [bigquery]?"]
        ),
        MistakeCase(
            name: "wrong type",
            text: "[syspro]\npage_size = \"5000\"",
            fragments: [
                "syspro-bq.toml:2: page_size in [syspro] must be an integer from 1 to 5000; found a string (\"5000\")"
            ]
        ),
        MistakeCase(
            name: "out of range",
            text: "[syspro]\nconcurrency = 8",
            fragments: ["syspro-bq.toml:2: concurrency in [syspro] must be an integer from 1 to 4; found 8"]
        ),
        MistakeCase(
            name: "bad enumeration value",
            text: "[bigquery]\nload_mode = \"insertall\"",
            fragments: [
                "syspro-bq.toml:2: load_mode in [bigquery] must be one of \"insertAll\", \"loadJob\"; found \"insertall\"; did you mean \"insertAll\"?"
            ]
        ),
        MistakeCase(
            name: "bad time zone",
            text: "[syspro]\ntime_zone = \"Africa/Johanesburg\"",
            fragments: [
                "time_zone in [syspro] must be an IANA time zone name", "did you mean \"Africa/Johannesburg\"?",
            ]
        ),
        MistakeCase(
            name: "abbreviated time zone",
            text: "[syspro]\ntime_zone = \"SAST\"",
            fragments: ["syspro-bq.toml:2: time_zone in [syspro] must be an IANA time zone name"]
        ),
        MistakeCase(
            name: "boolean given as string",
            text: "[syspro]\nnext_link = \"yes\"",
            fragments: ["syspro-bq.toml:2: next_link in [syspro] must be true or false; found a string"]
        ),
        MistakeCase(
            name: "URL without scheme",
            text: "[syspro]\nodata_url = \"erp/SYSPRO8Odata\"",
            fragments: ["odata_url in [syspro] must be an absolute http:// or https:// URL with a host"]
        ),
        MistakeCase(
            name: "URL with a password",
            text: "[syspro]\nodata_url = \"https://admin:hunter22@erp/odata\"",
            fragments: ["odata_url in [syspro] must not contain a user name or password"]
        ),
        MistakeCase(
            name: "password in the file",
            text: "[syspro]\npassword = \"x\"",
            fragments: ["unknown key 'password' in [syspro]"]
        ),
        MistakeCase(
            name: "company with leading space",
            text: "[syspro]\ncompanies = [\" A\"]",
            fragments: ["companies in [syspro] holds \" A\", which is not a SYSPRO company id"]
        ),
        MistakeCase(
            name: "duplicate company",
            text: "[syspro]\ncompanies = [\"A\", \"A\"]",
            fragments: ["companies in [syspro] lists \"A\" twice"]
        ),
        MistakeCase(
            name: "template without table",
            text: "[syspro]\nodata_path_template = \"{root}/{company}\"",
            fragments: ["odata_path_template in [syspro] must contain {table}"]
        ),
        MistakeCase(
            name: "insecure Google endpoint",
            text: "[bigquery]\napi_url = \"http://127.0.0.1:9050\"",
            fragments: ["api_url in [bigquery] uses plain http://"]
        ),
        MistakeCase(
            name: "insecure endpoint off loopback",
            text: "[bigquery]\nallow_insecure_local_endpoints = true\ntoken_uri = \"http://10.0.0.5/token\"",
            fragments: ["token_uri in [bigquery] uses plain http:// to a host that is not a loopback address"]
        ),
        MistakeCase(
            name: "gzip level out of range",
            text: "[staging]\ngzip_level = 0",
            fragments: ["syspro-bq.toml:2: gzip_level in [staging] must be an integer from 1 to 9; found 0"]
        ),
        MistakeCase(
            name: "too many clustering columns",
            text: "[tables.ApInvoice]\nclustering = [\"a\", \"b\", \"c\", \"d\", \"e\"]",
            fragments: ["clustering in [tables.ApInvoice] may hold at most 4 items; found 5"]
        ),
        MistakeCase(
            name: "exclude_columns with a non-name",
            text: "[tables.ApInvoice]\nexclude_columns = [\"Post Currency\"]",
            fragments: ["exclude_columns in [tables.ApInvoice]", "holds \"Post Currency\", which is not a column name"]
        ),
        MistakeCase(
            name: "exclude_columns beside columns",
            text: "[tables.Custom]\nkeys = [\"K\"]\ncolumns = [\"K:varchar(5)\"]\nstrategy = \"snapshot\"\n"
                + "exclude_columns = [\"K\"]",
            fragments: ["exclude_columns in [tables.Custom]", "cannot be combined with columns"]
        ),
        MistakeCase(
            name: "bad strategy",
            text: "[tables.ApInvoice]\nstrategy = \"rowversions\"",
            fragments: ["strategy in [tables.ApInvoice] must be one of", "did you mean \"rowversion\"?"]
        ),
        MistakeCase(
            name: "unknown table key",
            text: "[tables.ApInvoice]\nlookback_days = 3",
            fragments: ["unknown key 'lookback_days' in [tables.ApInvoice]; did you mean 'look_back_days'?"]
        ),
        MistakeCase(
            name: "custom table column syntax",
            text: "[tables.X]\nstrategy = \"snapshot\"\nkeys = [\"K\"]\ncolumns = [\"K varchar(3)\"]",
            fragments: ["columns in [tables.X] entry \"K varchar(3)\" must be \"Name:sqltype\""]
        ),
        MistakeCase(
            name: "custom table unknown SQL type",
            text: "[tables.X]\nstrategy = \"snapshot\"\nkeys = [\"K\"]\ncolumns = [\"K:string\"]",
            fragments: ["has SQL type \"string\", which is not a SQL Server type"]
        ),
        MistakeCase(
            name: "custom table key not a column",
            text: "[tables.X]\nstrategy = \"snapshot\"\nkeys = [\"K\"]\ncolumns = [\"J:int\"]",
            fragments: ["keys in [tables.X] names \"K\", which is not in columns"]
        ),
        MistakeCase(
            name: "keys without columns",
            text: "[tables.X]\nkeys = [\"K\"]",
            fragments: ["keys in [tables.X] is given without columns"]
        ),
        MistakeCase(
            name: "syntax error names file, line and column",
            text: "[syspro]\npage_size = 50 00",
            fragments: ["syspro-bq.toml:2:16: expected the end of the line"]
        ),
        MistakeCase(
            name: "environment override of the wrong type",
            text: "",
            environment: ["SYSPRO_BQ_SYSPRO_PAGE_SIZE": "lots"],
            fragments: [
                "environment variable SYSPRO_BQ_SYSPRO_PAGE_SIZE: page_size in [syspro] must be an integer from 1 to 5000; found 'lots'"
            ]
        ),
        MistakeCase(
            name: "environment override out of range",
            text: "",
            environment: ["SYSPRO_BQ_BIGQUERY_IN_FLIGHT": "99"],
            fragments: ["environment variable SYSPRO_BQ_BIGQUERY_IN_FLIGHT: in_flight in [bigquery] must be an integer"]
        ),
        MistakeCase(
            name: "environment override bad enumeration",
            text: "",
            environment: ["SYSPRO_BQ_LOGGING_FORMAT": "xml"],
            fragments: [
                "environment variable SYSPRO_BQ_LOGGING_FORMAT: format in [logging] must be one of \"text\", \"json\""
            ]
        ),
        MistakeCase(
            name: "unknown environment override",
            text: "",
            environment: ["SYSPRO_BQ_BIGQUERY_DATASE": "x"],
            fragments: [
                "environment variable SYSPRO_BQ_BIGQUERY_DATASE is not a syspro-bq setting; did you mean SYSPRO_BQ_BIGQUERY_DATASET?"
            ]
        ),
        MistakeCase(
            name: "environment boolean",
            text: "",
            environment: ["SYSPRO_BQ_SYSPRO_NEXT_LINK": "1"],
            fragments: ["SYSPRO_BQ_SYSPRO_NEXT_LINK: next_link in [syspro] must be true or false; found '1'"]
        ),
    ]

    /// Each kind of mistake is an error naming the key, the file and line (or the variable) and what is allowed.
    @Test(arguments: mistakes)
    func mistakesAreNamedPrecisely(_ testCase: MistakeCase) {
        do {
            _ = try Self.parse(testCase.text, environment: testCase.environment)
            Issue.record("expected a configuration error")
        } catch let error as SysproBQError {
            #expect(error.code == .configuration)
            for fragment in testCase.fragments {
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// A password-like key points the operator at the credential store, and the value never appears.
    @Test func secretLikeKeysPointToTheCredentialStore() {
        #expect {
            _ = try Self.parse("[syspro]\noperator_password = \"Sentinel-Pa55\"")
        } throws: { error in
            guard let error = error as? SysproBQError else { return false }
            return error.remedy?.contains("syspro-bq creds set") == true
                && !error.detailedDescription.contains("Sentinel-Pa55")
        }
    }

    /// Several problems are reported together, one per line, each with its line number.
    @Test func allProblemsAreReportedAtOnce() {
        #expect {
            _ = try Self.parse("[syspro]\npage_size = 0\nconcurrency = 9\n[bigquery]\nbatchrows = 1")
        } throws: { error in
            guard let error = error as? SysproBQError else { return false }
            return error.message.hasPrefix("syspro-bq.toml has 3 problems:")
                && error.message.contains("syspro-bq.toml:2: page_size")
                && error.message.contains("syspro-bq.toml:3: concurrency")
                && error.message.contains("syspro-bq.toml:5: unknown key 'batchrows'")
        }
    }

    /// Environment overrides replace file values, typed the same way, and are recorded as the value's origin.
    @Test func environmentOverridesWin() throws {
        let configuration = try Self.parse(
            "[bigquery]\ndataset = \"from_file\"\n[syspro]\npage_size = 10",
            environment: [
                "SYSPRO_BQ_BIGQUERY_DATASET": "from_env",
                "SYSPRO_BQ_SYSPRO_PAGE_SIZE": "20",
                "SYSPRO_BQ_SYSPRO_COMPANIES": "A,B",
                "SYSPRO_BQ_SYSPRO_ALLOW_SKIP_PAGING": "true",
                "SYSPRO_BQ_CONFIG": "/elsewhere.toml",
                "SYSPRO_BQ_MASTER_KEY": String(repeating: "ab", count: 32),
            ]
        )
        #expect(configuration.bigQuery.dataset == "from_env")
        #expect(configuration.syspro.pageSize == 20)
        #expect(configuration.syspro.companies == ["A", "B"])
        #expect(configuration.syspro.allowSkipPaging)
        #expect(configuration.origins["bigquery.dataset"] == .environment(variable: "SYSPRO_BQ_BIGQUERY_DATASET"))
    }

    /// An array override may also be written as a TOML array.
    @Test func environmentArrayAcceptsTOMLSyntax() throws {
        let configuration = try Self.parse("", environment: ["SYSPRO_BQ_SYSPRO_COMPANIES": "[\"A\", \"B C\"]"])
        #expect(configuration.syspro.companies == ["A", "B C"])
    }

    /// A plain-http emulator endpoint is accepted only on loopback with the explicit opt-in.
    @Test func insecureLoopbackEndpointNeedsOptIn() throws {
        let configuration = try Self.parse(
            "[bigquery]\nallow_insecure_local_endpoints = true\napi_url = \"http://127.0.0.1:9050\"\n"
                + "token_uri = \"http://localhost:9051/token\""
        )
        #expect(configuration.bigQuery.apiURL == "http://127.0.0.1:9050")
    }

    /// A command names every key it needs that is missing, with the variables that can set them.
    @Test func missingRequiredKeysAreListed() throws {
        let configuration = try Self.parse("[syspro]\nodata_url = \"https://erp/odata\"\n[bigquery]\nproject = \"p\"")
        #expect {
            try configuration.requireReady(for: [.extract, .load], displayName: "syspro-bq.toml")
        } throws: { error in
            guard let error = error as? SysproBQError else { return false }
            return error.code == .configuration
                && error.message.contains(
                    "syspro-bq.toml: missing required keys for extract and load: companies in [syspro]"
                )
                && error.message.contains("dataset in [bigquery] (the BigQuery dataset)")
                && !error.message.contains("odata_url")
                && error.remedy?.contains("SYSPRO_BQ_BIGQUERY_DATASET") == true
        }
        #expect(throws: Never.self) { try configuration.requireReady(for: [], displayName: "x") }
    }

    /// The e.net source needs enet_url rather than odata_url.
    @Test func enetSourceNeedsEnetURL() throws {
        let configuration = try Self.parse("[syspro]\nsource = \"enet\"\nodata_url = \"https://erp/odata\"")
        #expect(configuration.missingKeys(for: [.extract]).map(\.key).contains("enet_url"))
    }

    /// A missing file says how to create one.
    @Test func missingFileSaysHowToCreateOne() {
        #expect {
            _ = try Configuration.load(path: "/nonexistent/syspro-bq.toml", environment: [:])
        } throws: { error in
            (error as? SysproBQError)?.remedy?.contains("syspro-bq init") == true
        }
    }

    /// The file is chosen by flag, then SYSPRO_BQ_CONFIG, then the default name.
    @Test func locationPrefersFlagThenEnvironment() {
        let environment = ["SYSPRO_BQ_CONFIG": "/env.toml"]
        #expect(ConfigurationLocation.resolve(flag: "/flag.toml", environment: environment).path == "/flag.toml")
        #expect(ConfigurationLocation.resolve(flag: nil, environment: environment).source == .environment)
        #expect(ConfigurationLocation.resolve(flag: nil, environment: [:]).path == "syspro-bq.toml")
    }
}

@Suite("Configuration template")
struct ConfigurationTemplateTests {
    /// The file `init` writes is valid as written, and only the keys to fill in are missing.
    @Test func templateParsesAndListsWhatIsMissing() throws {
        let text = ConfigurationTemplate.render(stagingDirectory: "staging", keyFile: "syspro-bq.key")
        let configuration = try ConfigurationTests.parse(text)
        #expect(configuration.staging.directory == "/etc/syspro-bq/staging")
        #expect(configuration.security.keyFile == "/etc/syspro-bq/syspro-bq.key")
        #expect(
            configuration.missingKeys(for: [.extract, .load]).map(\.key) == [
                "odata_url", "companies", "operator", "time_zone", "project", "dataset",
            ]
        )
    }

    /// Business dates parse only as real YYYY-MM-DD dates.
    @Test(arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2026-13-01", false), ("2026-1-01", false),
        ("2026-04-31", false), ("2026-12-31", true), ("26-12-31", false), ("2026-12-31T00", false),
    ])
    func businessDates(_ text: String, _ valid: Bool) {
        #expect((BusinessDate(text) != nil) == valid)
        if valid { #expect(BusinessDate(text)?.description == text) }
    }
}
