import ArgumentParser
import Dispatch
import Foundation
import LocalServer
import Logging

/// `syspro-sim`: a SYSPRO 8 server on 127.0.0.1 (OData + e.net REST) for demos, end-to-end
/// tests and benchmarks. See docs in `Simulator` and `ControlService` for the endpoints.
@main
struct SysproSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syspro-sim",
        abstract: "Simulate a SYSPRO 8 server (OData and e.net REST) on 127.0.0.1."
    )

    @Option(help: "Port to listen on (0: ephemeral).") var port: UInt16 = 0
    @Option(help: "Write the bound port to this file (atomically) once listening.") var portFile: String?
    @Option(help: "Seed for all generated data and fault draws.") var seed: UInt64 = 42
    @Option(help: "Data volume multiplier (1.0 ≈ a small company).") var scale: Double = 1.0
    @Option(help: "Comma-separated company ids.") var companies = "A"
    @Option(name: .customLong("operator"), help: "Operator code for e.net Logon and OData Basic auth.")
    var operatorCode = "ADMIN"
    @Option(help: "Operator password.") var password = "secret"
    @Option(help: "Company password for e.net Logon.") var companyPassword = ""
    @Option(help: "OData service root path.") var odataRoot = "/SYSPRO8Odata/SYSPROOData"
    @Flag(help: "Emit @odata.nextLink when a page is cut at the cap.") var nextLink = false
    @Option(help: "Maximum rows per OData page / COMFND response.") var pageCap = 5000
    @Option(help: "UTC offset written on OData dates, e.g. +02:00.") var dateOffset = "+02:00"
    @Flag(help: "The operator is not enabled for OData (every OData call gets 403).") var odataDisabled = false
    @Option(help: "Fraction of OData/e.net requests that get a fault (0…1).") var faultRate = 0.0
    @Option(help: "Fault kinds: 429,500,503,hang,reset,truncate,html200,badjson,session.")
    var faults = "429,500,503,hang,reset,truncate,html200,badjson,session"
    @Option(help: "How long a 'hang' fault holds the connection, in seconds.") var hangSeconds = 5.0
    @Option(help: "e.net sessions expire after this many Query calls.") var sessionMaxCalls: Int?
    @Option(help: "e.net sessions expire this many seconds after Logon.") var sessionTtl: Double?
    @Option(help: "Body returned for an expired or unknown e.net session.")
    var sessionError = "ERROR: Session expired or invalid UserId. Please logon again"
    @Option(help: "GenTransaction row count (overrides 20k × scale).") var glRows: Int?
    @Flag(help: "e.net: lower-case element names.") var enetLowercase = false
    @Flag(help: "e.net: edited numbers with commas plus Unedited_X twins.") var enetEditedNumbers = false
    @Flag(help: "e.net: NULL dates as empty elements instead of 0000-00-00.") var enetEmptyDates = false
    @Flag(help: "e.net: Logon returns the token JSON-quoted.") var enetJsonToken = false
    @Option(help: "e.net: comma-separated business objects answering 'e.net exception 100000'.") var enetUnlicensed = ""
    @Option(help: "Log level (trace, debug, info, warning, error).") var logLevel = "info"

    func validate() throws {
        guard scale > 0 else { throw ValidationError("--scale must be positive") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be within 0…1") }
        guard FaultKind.parseList(faults) != nil else { throw ValidationError("--faults has an unknown kind") }
        guard pageCap > 0 else { throw ValidationError("--page-cap must be positive") }
        guard Self.offsetSeconds(dateOffset) != nil else {
            throw ValidationError("--date-offset must look like +02:00")
        }
        guard odataRoot.hasPrefix("/") else { throw ValidationError("--odata-root must start with /") }
        guard !companies.split(separator: ",").isEmpty else { throw ValidationError("--companies is empty") }
        if let glRows, glRows < 0 { throw ValidationError("--gl-rows must not be negative") }
    }

    static func offsetSeconds(_ text: String) -> Int? {
        let u = Array(text.utf8)
        guard u.count == 6, u[0] == 0x2B || u[0] == 0x2D, u[3] == 0x3A,
            let h = Int(String(decoding: u[1..<3], as: UTF8.self)),
            let m = Int(String(decoding: u[4..<6], as: UTF8.self)),
            h <= 14, m < 60
        else { return nil }
        return (h * 3600 + m * 60) * (u[0] == 0x2D ? -1 : 1)
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "syspro-sim")
        var c = SimulatorConfiguration()
        c.seed = seed
        c.scale = scale
        c.companies = companies.split(separator: ",").map(String.init)
        c.operatorCode = operatorCode
        c.password = password
        c.companyPassword = companyPassword
        c.odataRoot = odataRoot
        c.nextLink = nextLink
        c.pageCap = pageCap
        c.dateOffsetSeconds = Self.offsetSeconds(dateOffset)!
        c.odataEnabled = !odataDisabled
        c.glRows = glRows
        c.faultRate = faultRate
        c.faultKinds = FaultKind.parseList(faults)!
        c.hangSeconds = hangSeconds
        c.sessionMaxCalls = sessionMaxCalls
        c.sessionTTL = sessionTtl
        c.sessionErrorText = sessionError
        c.enet.lowercaseElements = enetLowercase
        c.enet.editedNumbers = enetEditedNumbers
        c.enet.emptyNullDates = enetEmptyDates
        c.enet.jsonToken = enetJsonToken
        c.enet.unlicensedObjects = Set(enetUnlicensed.split(separator: ",").map { $0.uppercased() })

        let started = Date()
        let simulator = Simulator(configuration: c, logger: logger)
        logger.info(
            "Data generated",
            metadata: ["sim.companies": "\(c.companies)", "sim.seconds": "\(Date().timeIntervalSince(started))"]
        )
        let server = LocalHTTPServer(port: port, logger: logger) { request, writer in
            simulator.handle(request, writer)
        }
        let bound = try server.start()
        if let portFile { try Self.writeAtomically("\(bound)\n", to: portFile) }
        logger.info("Listening", metadata: ["sim.port": "\(bound)", "sim.odata_root": "\(c.odataRoot)"])

        let done = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        logger.info("Stopping")
        server.stop()
        withExtendedLifetime(sources) {}
    }

    /// Writes through a temporary file and a rename, so a reader never sees a partial port number.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp.\(getpid())"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw ValidationError("cannot rename \(temporary) to \(path): errno \(errno)")
        }
    }
}
