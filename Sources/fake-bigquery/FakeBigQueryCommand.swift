import ArgumentParser
import Common
import Dispatch
import FakeBigQueryKit
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `fake-bigquery`: a BigQuery REST v2 + OAuth token server on 127.0.0.1 for tests and benchmarks.
///
/// Parses flags, starts `FakeBigQueryServer`, writes the bound port to `--port-file`, and stops cleanly
/// on SIGTERM or SIGINT.
@main
struct FakeBigQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-bigquery",
        abstract: "A fake BigQuery REST v2 and OAuth token server on 127.0.0.1, in memory.",
        discussion: """
            Models what local emulators get wrong: insertId dedup, invalid/stopped row errors, 409 on a \
            repeated job id, PENDING→RUNNING→DONE polling, gzip upload bodies, schema-evolution errors, \
            OAuth JWT checks and injected faults. Test endpoints: GET /_fake/rows/{dataset}/{table}, \
            GET /_fake/stats, POST /_fake/faults?rate=&kinds=&seed=, POST /_fake/expire-tokens.
            """
    )

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 0

    @Option(help: "Write the bound port to this file once listening.")
    var portFile: String?

    @Option(help: "The one project served.")
    var project = "test-project"

    @Option(help: "PEM file with the service account's public key, to verify token grants.")
    var publicKey: String

    @Option(help: "The client_email (JWT iss) a grant must carry.")
    var clientEmail: String

    @Option(help: "Lifetime of issued access tokens, seconds.")
    var tokenLifetime = 3600

    @Option(help: "Make tokens stop working after this many seconds, although expires_in says --token-lifetime.")
    var tokenEarlyExpiry: Int?

    @Option(help: "Delay before every response, milliseconds.")
    var latencyMs = 0

    @Option(help: "Probability of a fault per data-plane call, 0...1.")
    var faultRate = 0.0

    @Option(help: "Fault kinds: 429,500,503,reset,hang,413,quota,500-after-commit,truncate.")
    var faults = "429,500,503,reset,413"

    @Option(help: "Seed for fault injection (same seed and call order, same faults).")
    var seed: UInt64 = 1

    @Option(help: "How long a hang fault holds a connection, seconds.")
    var hangSeconds = 30.0

    @Option(help: "insertId dedup window per table, seconds.")
    var dedupWindow = 60.0

    @Option(help: "Largest API request body, bytes; larger gets 413 (uploads exempt).")
    var maxRequestBytes = 10_000_000

    @Option(help: "jobs.get polls a job stays RUNNING before DONE (0: DONE at insert).")
    var jobSteps = 2

    @Option(help: "Directory that gs://bucket/path maps to (<dir>/bucket/path).")
    var gsRoot: String?

    @Flag(help: "Log every request at debug level.")
    var verbose = false

    func validate() throws {
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1") }
        guard tokenLifetime > 0 else { throw ValidationError("--token-lifetime must be positive") }
        guard latencyMs >= 0, jobSteps >= 0, maxRequestBytes > 0, dedupWindow >= 0, hangSeconds >= 0 else {
            throw ValidationError(
                "--latency-ms, --job-steps, --max-request-bytes, --dedup-window and --hang-seconds must not be negative"
            )
        }
        if case .failure(let error) = FaultKind.parseList(faults) { throw ValidationError("--faults: \(error)") }
    }

    func run() throws {
        var logger = Logger(label: "fake-bigquery")
        logger.logLevel = verbose ? .debug : .info
        guard let pem = try? String(contentsOfFile: publicKey, encoding: .utf8) else {
            throw ValidationError("--public-key: cannot read \(publicKey)")
        }
        let verifySignature: @Sendable ([UInt8], [UInt8]) -> Bool
        do {
            verifySignature = try FakeBigQuery.signatureCheck(publicKeyPEM: pem)
        } catch {
            throw ValidationError("--public-key: \(publicKey) is not a PEM RSA public key (\(error))")
        }
        var configuration = FakeBigQueryConfiguration(project: project, publicKeyPEM: pem, clientEmail: clientEmail)
        configuration.tokenLifetimeSeconds = tokenLifetime
        configuration.tokenEarlyExpirySeconds = tokenEarlyExpiry
        configuration.latencyMilliseconds = latencyMs
        configuration.faultRate = faultRate
        configuration.faultKinds = (try? FaultKind.parseList(faults).get()) ?? FaultKind.defaultKinds
        configuration.seed = seed
        configuration.hangSeconds = hangSeconds
        configuration.dedupWindowSeconds = dedupWindow
        configuration.maxRequestBytes = maxRequestBytes
        configuration.jobSteps = jobSteps
        configuration.gsRoot = gsRoot
        let service = FakeBigQuery(configuration: configuration, verifySignature: verifySignature)
        let server = FakeBigQueryServer(service: service, port: port, logger: logger)

        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }

        let bound = try server.start()
        if let portFile { try writePortFile(portFile, port: bound) }
        logger.info("Fake BigQuery listening", metadata: ["http.port": "\(bound)", "bq.project": "\(project)"])
        stopRequested.wait()
        logger.info("Fake BigQuery stopping")
        server.stop()
        sources.forEach { $0.cancel() }
    }

    /// Writes the port atomically (temp file, then rename) so a reader never sees a partial number.
    private func writePortFile(_ path: String, port: UInt16) throws {
        let temporary = path + ".tmp"
        try Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw ValidationError("--port-file: cannot rename \(temporary) to \(path) (errno \(errno))")
        }
    }
}
