import Common
import Extract
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One end-to-end set-up in a fresh temporary directory: syspro-sim, a BigQuery (fake-bigquery or bqemulator),
/// and a configured syspro-bq (init, config, stored credentials). Every server is started here on 127.0.0.1 with
/// an ephemeral port and stopped by PID in ``stop()``.
///
/// Layout: `<root>/run` is syspro-bq's directory (configuration, key, credential store, staging log) plus the
/// logs and summaries of every command: everything the secret scan reads. The service-account key file is made
/// in `<root>/keys` and deleted once imported, as operations.md tells an operator to. Not thread-safe.
final class Rig {
    enum BigQuery {
        /// fake-bigquery: JWT checks, insertId dedup, invalid/stopped, faults.
        case fake
        /// bqemulator, started like scripts/bqemulator.sh does; fake-bigquery still serves the token endpoint.
        case emulator
    }

    struct Options {
        var bigQuery: BigQuery = .fake
        var companies = ["A"]
        var scale = 0.02
        var seed: UInt64 = 7
        var sysproPassword = "e2e-" + UUID().uuidString.prefix(8)
        var simulatorFaultRate = 0.0
        var fakeFaultRate = 0.0
        /// syspro-sim's `--faults` list (nil: all its kinds).
        var simulatorFaultKinds: String?
        /// fake-bigquery's `--faults` list (nil: its default kinds).
        var fakeFaultKinds: String?
        /// How long a fake-bigquery hang fault holds a connection, seconds (nil: its default, 30).
        var fakeHangSeconds: Double?
        /// fake-bigquery's `--token-early-expiry`: tokens stop working after this many seconds.
        var tokenEarlyExpiry: Int?
        /// fake-bigquery's insertId dedup window, seconds.
        var dedupWindow = 60.0
        var segmentMaxRows = 100_000
        /// Extra TOML appended to the configuration (`[tables.X]` sections).
        var extraConfiguration = ""
        /// Extra `key = value` lines for [bigquery].
        var bigQuerySettings: [String] = []
        /// Extra `key = value` lines for [syspro].
        var sysproSettings: [String] = []
        /// Read SYSPRO through e.net business objects instead of OData (`source = "enet"`).
        var enet = false
        /// Extra syspro-sim flags (e.net quirks, session expiry).
        var simulatorArguments: [String] = []
    }

    static let project = "test-project"
    static let dataset = "e2e"
    static let operatorCode = "E2EOP"
    static let clientEmail = "syspro-bq-e2e@test-project.iam.gserviceaccount.com"

    let options: Options
    let root: URL
    let run: URL
    let logs: URL
    let configPath: URL
    let syspro: URL
    private(set) var simulator: ChildProcess?
    private(set) var tokenServer: ChildProcess?
    private(set) var emulator: ChildProcess?
    private(set) var simulatorPort = 0
    private(set) var fakePort = 0
    private(set) var emulatorPort = 0
    /// Every command's result, for the secret scan.
    private(set) var results: [CommandResult] = []
    /// The service-account private key's base64 body lines (the key file itself is deleted after import).
    private(set) var privateKeyLines: [String] = []
    private var commandCount = 0

    init(_ label: String, _ options: Options = Options()) throws {
        self.options = options
        root = try Paths.temporaryDirectory(label)
        run = root.appendingPathComponent("run")
        logs = run.appendingPathComponent("logs")
        configPath = run.appendingPathComponent("syspro-bq.toml")
        syspro = try Paths.binary("syspro-bq")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        do {
            try start()
        } catch {
            stop()
            throw error
        }
    }

    /// A rig whose run directory is a copy of `template`'s (configuration, master key, credentials, staging log;
    /// not its logs), with fresh servers started the way `template`'s were, and the configuration pointed at them.
    /// The servers start from scratch: the simulator from its seed, fake-bigquery empty. Much cheaper than
    /// ``init(_:_:)`` when many tests need the same staged state (the bad-input corpus).
    init(_ label: String, cloning template: Rig) throws {
        options = template.options
        root = try Paths.temporaryDirectory(label)
        run = root.appendingPathComponent("run")
        logs = run.appendingPathComponent("logs")
        configPath = run.appendingPathComponent("syspro-bq.toml")
        syspro = template.syspro
        privateKeyLines = template.privateKeyLines
        do {
            try FileManager.default.copyItem(at: template.run, to: run)
            try FileManager.default.removeItem(at: logs)
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            for name in ["sim.port", "fake.port"] {
                try? FileManager.default.removeItem(at: run.appendingPathComponent(name))
            }
            try startSimulator()
            try startFake()
            try writeConfiguration(apiURL: "http://127.0.0.1:\(fakePort)")
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    // MARK: Start and stop

    private func startSimulator() throws {
        let simulatorArguments =
            [
                "--port", "0", "--port-file", run.appendingPathComponent("sim.port").path, "--seed", "\(options.seed)",
                "--scale", "\(options.scale)", "--companies", options.companies.joined(separator: ","),
                "--operator", Self.operatorCode, "--password", options.sysproPassword,
                "--fault-rate", "\(options.simulatorFaultRate)", "--hang-seconds", "1", "--log-level", "warning",
            ] + (options.simulatorFaultKinds.map { ["--faults", $0] } ?? []) + options.simulatorArguments
        let sim = try ChildProcess(
            try Paths.binary("syspro-sim"),
            simulatorArguments,
            outputPrefix: logs.appendingPathComponent("syspro-sim")
        )
        simulator = sim
        simulatorPort = try waitForPortFile(run.appendingPathComponent("sim.port"), server: sim)
    }

    private func start() throws {
        if options.bigQuery == .emulator { _ = try Paths.venvPython() }
        try startSimulator()

        // The key is made outside the run directory and deleted after import.
        let keys = root.appendingPathComponent("keys")
        let made = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            [
                Paths.script("e2e/make-service-account.sh").path, keys.path, Self.clientEmail,
                "http://127.0.0.1:9/token",
            ],
            outputPrefix: root.appendingPathComponent("make-service-account")
        )
        guard made.status == 0 else { throw HarnessError("make-service-account.sh failed: \(made)") }
        let keyJSON = try String(contentsOf: keys.appendingPathComponent("service-account.json"), encoding: .utf8)
        privateKeyLines = Self.pemBodyLines(keyJSON)
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("service-account.pub.pem"),
            to: run.appendingPathComponent("service-account.pub.pem")
        )
        try startFake()

        var apiURL = "http://127.0.0.1:\(fakePort)"
        if options.bigQuery == .emulator {
            emulatorPort = try startEmulator()
            apiURL = "http://127.0.0.1:\(emulatorPort)"
        }

        try mustSucceed(["init", "--directory", run.path], config: false)
        try writeConfiguration(apiURL: apiURL)
        try mustSucceed(["creds", "set", "syspro-password"], stdin: options.sysproPassword + "\n")
        try mustSucceed(["creds", "import-service-account", keys.appendingPathComponent("service-account.json").path])
        try FileManager.default.removeItem(at: keys)
    }

    private func startFake() throws {
        var fakeArguments = [
            "--port", "0", "--port-file", run.appendingPathComponent("fake.port").path, "--project", Self.project,
            "--public-key", run.appendingPathComponent("service-account.pub.pem").path,
            "--client-email", Self.clientEmail, "--dedup-window", "\(options.dedupWindow)",
        ]
        if options.bigQuery == .fake {
            fakeArguments += ["--fault-rate", "\(options.fakeFaultRate)", "--seed", "\(options.seed)"]
            if let kinds = options.fakeFaultKinds { fakeArguments += ["--faults", kinds] }
            if let seconds = options.fakeHangSeconds { fakeArguments += ["--hang-seconds", "\(seconds)"] }
            if let seconds = options.tokenEarlyExpiry { fakeArguments += ["--token-early-expiry", "\(seconds)"] }
        }
        let fake = try ChildProcess(
            try Paths.binary("fake-bigquery"),
            fakeArguments,
            outputPrefix: logs.appendingPathComponent("fake-bigquery")
        )
        tokenServer = fake
        fakePort = try waitForPortFile(run.appendingPathComponent("fake.port"), server: fake)
    }

    /// For e.net: `exclude_columns` of every catalog table the simulator models with fewer columns (read from its
    /// OData `$metadata`), merged into `extra`'s `[tables.X]` sections. A real site that lacks columns does the same:
    /// COMFND cannot list a table's columns.
    private func excludingColumnsTheSimulatorLacks(_ extra: String) throws -> String {
        let client = try CurlHTTPClient()
        var request = HTTPRequest(
            method: .get,
            url: "http://127.0.0.1:\(simulatorPort)/SYSPRO8Odata/SYSPROOData/\(options.companies[0])/$metadata",
            totalTimeout: 60
        )
        request.basicAuth = BasicCredentials(user: Self.operatorCode, password: options.sysproPassword)
        let response = try client.perform(request, maxBodyBytes: 1 << 26)
        guard response.status == 200 else { throw HarnessError("$metadata → \(response.status)") }
        let metadata = try ODataMetadata.parse(response.body)
        var text = extra
        for entry in Catalog.builtIn.entries.values.sorted(by: { $0.table < $1.table }) {
            guard let type = metadata.entityType(forSet: entry.table) else { continue }
            let missing = entry.columns.map(\.name).filter { type.property($0) == nil }
            guard !missing.isEmpty else { continue }
            let line = "exclude_columns = [" + missing.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n"
            let header = "[tables.\(entry.table)]\n"
            if text.contains(header) {
                text = text.replacingOccurrences(of: header, with: header + line)
            } else {
                text += "\n" + header + line
            }
        }
        return text
    }

    private func writeConfiguration(apiURL: String) throws {
        let companies = options.companies.map { "\"\($0)\"" }.joined(separator: ", ")
        let extra =
            options.enet
            ? try excludingColumnsTheSimulatorLacks(options.extraConfiguration) : options.extraConfiguration
        let text = """
            # Written by the end-to-end tests (Tests/EndToEndTests/Support/Rig.swift).
            [syspro]
            odata_url = "http://127.0.0.1:\(simulatorPort)/SYSPRO8Odata/SYSPROOData"
            companies = [\(companies)]
            operator = "\(Self.operatorCode)"
            time_zone = "Africa/Johannesburg"
            timeout_seconds = 10
            \(options.enet ? "source = \"enet\"\nenet_url = \"http://127.0.0.1:\(simulatorPort)/SYSPROWCFService/Rest\"" : "")
            \(options.sysproSettings.joined(separator: "\n"))

            [bigquery]
            project = "\(Self.project)"
            dataset = "\(Self.dataset)"
            api_url = "\(apiURL)"
            token_uri = "http://127.0.0.1:\(fakePort)/token"
            allow_insecure_local_endpoints = true
            \(options.bigQuerySettings.joined(separator: "\n"))

            [staging]
            directory = "staging"
            segment_max_rows = \(options.segmentMaxRows)

            [security]
            key_file = "syspro-bq.key"
            credentials_file = "credentials.enc.json"

            \(extra)

            """
        try Data(text.utf8).write(to: configPath)
    }

    /// Stops every server this rig started, by PID. Safe to call twice.
    func stop() {
        simulator?.stop()
        tokenServer?.stop()
        simulator = nil
        tokenServer = nil
        emulator?.stop()
        emulator = nil
    }

    /// Removes the temporary directory (after ``stop()``).
    func remove() {
        stop()
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: syspro-bq

    /// Runs `syspro-bq arguments --config …`; output is kept in `run/logs` and for the secret scan.
    @discardableResult
    func command(
        _ arguments: [String],
        stdin: String? = nil,
        config: Bool = true,
        environment: [String: String] = [:],
        timeout: Double = 240
    ) throws
        -> CommandResult
    {
        let child = try start(arguments, stdin: stdin, config: config, environment: environment)
        let result = try child.wait(timeout: timeout)
        results.append(result)
        return result
    }

    /// Starts `syspro-bq arguments --config …` without waiting (for the kill tests), with `environment` added.
    func start(
        _ arguments: [String],
        stdin: String? = nil,
        config: Bool = true,
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        commandCount += 1
        let name = String(format: "%03d-", commandCount) + (arguments.first ?? "help")
        return try ChildProcess(
            syspro,
            arguments + (config ? ["--config", configPath.path] : []),
            outputPrefix: logs.appendingPathComponent(name),
            environment: environment,
            stdin: stdin
        )
    }

    /// Records the output of a command started with ``start(_:stdin:config:)``.
    func record(_ result: CommandResult) { results.append(result) }

    @discardableResult
    func mustSucceed(_ arguments: [String], stdin: String? = nil, config: Bool = true) throws -> CommandResult {
        let result = try command(arguments, stdin: stdin, config: config)
        guard result.status == 0, !result.signalled else { throw HarnessError("command failed: \(result)") }
        return result
    }

    /// `extract --json-summary`, which must succeed; returns the summary.
    @discardableResult
    func extract(_ more: [String] = []) throws -> RunSummary {
        try RunSummary(try mustSucceed(["extract", "--json-summary"] + more))
    }

    /// `load --json-summary`, which must succeed; returns the summary.
    @discardableResult
    func load(_ more: [String] = []) throws -> RunSummary {
        try RunSummary(try mustSucceed(["load", "--json-summary"] + more))
    }

    // MARK: The simulator

    /// One control-plane call to a server this rig started; anything but 200 is a ``HarnessError``.
    @discardableResult
    func http(_ method: HTTPMethod, _ url: String, body: HTTPRequestBody = .none) throws -> String {
        let client = try CurlHTTPClient()
        let response = try client.perform(
            HTTPRequest(method: method, url: url, body: body, totalTimeout: 120),
            maxBodyBytes: 1 << 30
        )
        guard response.status == 200 else {
            throw HarnessError("\(method.rawValue) \(url) → \(response.status): \(response.bodyExcerpt())")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// Runs `steps` business steps in every company (`POST /_sim/advance`).
    func advance(steps: Int) throws {
        _ = try http(.post, "http://127.0.0.1:\(simulatorPort)/_sim/advance?steps=\(steps)")
    }

    /// The simulator's current rows of one table.
    func truth(_ company: String, _ table: String) throws -> [Row] {
        try FlatJSON.rows(try http(.get, "http://127.0.0.1:\(simulatorPort)/_sim/truth/\(company)/\(table)"))
    }

    // MARK: BigQuery

    /// Every row fake-bigquery stored in the raw table `table`, in insertion order.
    func fakeRows(_ table: String) throws -> [Row] {
        try FlatJSON.rows(try http(.get, "http://127.0.0.1:\(fakePort)/_fake/rows/\(Self.dataset)/\(table)"))
    }

    /// The `<table>_current` views read back from the emulator through the official Python client (one process
    /// for all tables: the client takes a second to import). Rows carry `_view` = their table.
    func emulatorCurrent(_ tables: [String]) throws -> [String: [Row]] {
        let result = try ChildProcess.run(
            try Paths.venvPython(),
            [
                Paths.script("e2e/bq_query.py").path, "--endpoint", "http://127.0.0.1:\(emulatorPort)",
                "--project", Self.project, "--dataset", Self.dataset, "current",
            ] + tables,
            outputPrefix: logs.appendingPathComponent("bq_query-current"),
            timeout: 180
        )
        guard result.status == 0 else { throw HarnessError("bq_query.py current failed: \(result)") }
        return Dictionary(grouping: try FlatJSON.rows(result.stdout)) { $0["_view"]?.text ?? "" }
    }

    /// Compares every table of every company with the simulator's truth, reading the landed state from
    /// fake-bigquery's raw rows (latest per key computed here) or from the emulator's `<table>_current` views.
    func differences(tables: [String] = SimulatorTables.names) throws -> [StateDifference] {
        let views = options.bigQuery == .emulator ? try emulatorCurrent(tables) : [:]
        var all: [StateDifference] = []
        for table in tables {
            let keys = SimulatorTables.keyColumns[table]!
            let raw = options.bigQuery == .fake ? try fakeRows(table) : []
            for company in options.companies {
                var truthRows = try truth(company, table)
                if options.enet { truthRows = truthRows.map { ENetView.asCarried($0, table: table) } }
                let truth = CurrentState(truth: truthRows, keyColumns: keys)
                let landed =
                    options.bigQuery == .fake
                    ? try CurrentState(raw: raw, company: company, keyColumns: keys)
                    : CurrentState(view: views[table] ?? [], company: company, keyColumns: keys)
                all.append(StateDifference(table: table, company: company, truth: truth, landed: landed))
            }
        }
        return all
    }

    // MARK: The staging log

    /// The rows of every sealed segment of one stream, read with `gzip -dc` (segments are plain multi-member gzip).
    func stagedRows(_ company: String, _ table: String) throws -> [Row] {
        let directory = run.appendingPathComponent("staging/\(company)/\(table)")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix("segment-") && $0.hasSuffix(".ndjson.gz") }.sorted()
        var rows: [Row] = []
        for name in names {
            let result = try ChildProcess.run(
                URL(fileURLWithPath: "/bin/gzip"),
                ["-dc", directory.appendingPathComponent(name).path],
                outputPrefix: root.appendingPathComponent("gunzip"),
                timeout: 60
            )
            guard result.status == 0 else { throw HarnessError("gzip -dc \(name) failed: \(result)") }
            rows += try FlatJSON.rows(result.stdout)
        }
        return rows
    }

    /// Every regular file under the run directory.
    func filesUnderRun() -> [URL] {
        guard let walker = FileManager.default.enumerator(at: run, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return walker.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    /// The base64 lines of the PEM inside a key file's JSON (`\n`-escaped).
    static func pemBodyLines(_ json: String) -> [String] {
        json.components(separatedBy: "\\n").filter { $0.count >= 40 && !$0.contains("-----") && !$0.contains("\"") }
    }
}

/// What SYSPRO's e.net interface can carry of a row (docs/architecture.md, "e.net limits"): its XML is
/// Windows-1252, so a character outside cp1252 arrives as `?` (one per Unicode scalar, as SYSPRO's own encoder
/// does), and a NULL string column is an empty element, indistinguishable from an empty string.
enum ENetView {
    /// Unicode scalars with a Windows-1252 byte outside ASCII and Latin-1 (the 0x80–0x9F block).
    static let cp1252Specials: Set<UInt32> = [
        0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017D,
        0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x017E, 0x0178,
    ]

    static func asCarried(_ row: Row, table: String) -> Row {
        guard let entry = try? Catalog.builtIn.entry(for: table) else { return row }
        var copy = row
        for column in entry.columns {
            switch (row[column.name], column.sqlType) {
            case (.string(let text)?, _):
                copy[column.name] = .string(cp1252(text))
            case (.null?, .char), (.null?, .varchar):
                copy[column.name] = .string("")
            default:
                break
            }
        }
        return copy
    }

    static func cp1252(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            out.append(v < 0x80 || (0xA0...0xFF).contains(v) || cp1252Specials.contains(v) ? scalar : "?")
        }
        return String(out)
    }
}

/// The `--json-summary` object of one pass (docs/operations.md, "Output").
struct RunSummary {
    var raw: String
    var outcome: String?
    var exitCode: Int?
    /// Retries over every stream (`streams[].retries`).
    var retries: Int
    var rows: Int
    /// The command's log (stderr): per-stream details the summary leaves out (extract mode, tombstones).
    var log: String

    /// Tombstones written, from the "Stream extracted" log lines (`rows.tombstones=N`).
    var tombstones: Int {
        log.components(separatedBy: "rows.tombstones=").dropFirst()
            .compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
    }

    init(_ result: CommandResult) throws {
        log = result.stderr
        guard let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { throw HarnessError("no JSON summary on stdout: \(result)") }
        raw = String(line)
        outcome = object["outcome"] as? String
        exitCode = (object["exit_code"] as? NSNumber)?.intValue
        let streams = object["streams"] as? [[String: Any]] ?? []
        retries = streams.reduce(0) { $0 + ((($1["retries"] as? NSNumber)?.intValue) ?? 0) }
        rows = streams.reduce(0) { $0 + ((($1["rows"] as? NSNumber)?.intValue) ?? 0) }
        if let totals = object["totals"] as? [String: Any], let total = (totals["retries"] as? NSNumber)?.intValue {
            retries = max(retries, total)
        }
    }
}

extension Rig {
    /// Adds `line` at the end of `[section]` in the configuration file.
    func appendToSection(_ section: String, _ line: String) throws {
        var lines = try String(contentsOf: configPath, encoding: .utf8).components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "[\(section)]") else {
            throw HarnessError("no [\(section)] in \(configPath.path)")
        }
        lines.insert(line, at: start + 1)
        try Data(lines.joined(separator: "\n").utf8).write(to: configPath)
    }
}

extension Rig {
    /// Starts bqemulator as scripts/bqemulator.sh does (loopback, ephemeral, gs:// mapped to `<root>/bqemulator/gcs`,
    /// DuckDB extension downloads off), but as this process's own child so it is stopped by its PID. (A child
    /// started by a script that exits keeps the script's descriptors, and Foundation's Process then never sees the
    /// script end.)
    private func startEmulator() throws -> Int {
        let python = try Paths.venvPython()
        let gcs = root.appendingPathComponent("bqemulator/gcs")
        try FileManager.default.createDirectory(at: gcs, withIntermediateDirectories: true)
        let rest = try Self.freePort()
        let grpc = try Self.freePort()
        let child = try ChildProcess(
            python.deletingLastPathComponent().appendingPathComponent("bqemulator"),
            [
                "start", "--rest-host", "127.0.0.1", "--rest-port", "\(rest)", "--grpc-host", "127.0.0.1",
                "--grpc-port", "\(grpc)", "--ephemeral", "--project", Self.project, "--log-format", "console",
            ],
            outputPrefix: logs.appendingPathComponent("bqemulator"),
            environment: ["BQEMU_ENABLE_FORMAT_EXTENSIONS": "false", "BQEMU_GCS_LOCAL_ROOT": gcs.path]
        )
        emulator = child
        let deadline = Date().addingTimeInterval(120)
        let client = try CurlHTTPClient()
        while Date() < deadline {
            if let response = try? client.perform(
                HTTPRequest(url: "http://127.0.0.1:\(rest)/healthz", connectTimeout: 1, totalTimeout: 2)
            ), response.status == 200 {
                return rest
            }
            guard child.isRunning else { throw HarnessError("bqemulator exited: \(child.result())") }
            usleep(200_000)
        }
        throw HarnessError("bqemulator did not answer /healthz within 120s: \(child.result())")
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
