import Common
import Foundation
import Logging
import Testing

@testable import Extract

/// End-to-end reads against the real syspro-sim binary (built next to the test bundle), started on an
/// ephemeral 127.0.0.1 port and stopped at the end. Opt-in: `EXTRACT_E2E=1` after `swift build --product
/// syspro-sim`; the unit tests never need it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["EXTRACT_E2E"] == "1"))
struct SimulatorEndToEndTests {
    final class RunningSimulator {
        let process = Process()
        let directory: URL
        let port: Int

        init(arguments: [String]) throws {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("syspro-sim")
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "extract-e2e-\(UUID().uuidString)"
            )
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let portFile = directory.appendingPathComponent("port")
            process.executableURL = executable
            process.arguments = ["--port", "0", "--port-file", portFile.path, "--log-level", "warning"] + arguments
            try process.run()
            var found: Int?
            for _ in 0..<600 where found == nil {
                if let text = try? String(contentsOf: portFile, encoding: .utf8) {
                    found = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                if found == nil { usleep(50_000) }
            }
            guard let found else {
                throw SysproBQError(.internalError, "syspro-sim did not start", disposition: .terminal)
            }
            port = found
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Every OData table of the built-in catalog resolves and reads as a snapshot; paging covers each key once.
    @Test func odataReadsEveryCatalogTable() throws {
        let simulator = try RunningSimulator(arguments: ["--scale", "0.05", "--page-cap", "700"])
        let configuration = ODataConfiguration(
            serviceRoot: "http://127.0.0.1:\(simulator.port)/SYSPRO8Odata/SYSPROOData",
            operatorName: "ADMIN",
            password: "secret",
            pageSize: 500
        )
        let source = try ODataSource(
            configuration: configuration,
            transport: try CurlHTTPClient(),
            logger: Logger(label: "e2e")
        )
        for table in Catalog.builtIn.tables {
            let resolved = try source.resolve(try Catalog.builtIn.entry(for: table), company: "A")
            var keys = Set<[String]>()
            var rows = 0
            let window: ExtractQuery.Window = resolved.strategy == .rowVersion ? .rowVersion(after: nil) : .snapshot
            let summary = try source.read(ExtractQuery(company: "A", entry: resolved.entry, window: window)) {
                page,
                _ in
                for row in page { keys.insert(row.keyValues) }
                rows += page.count
            }
            print(
                "e2e OData \(table): \(resolved.strategy) \(rows) rows, \(summary.pages) pages, notes \(resolved.notes)"
            )
            #expect(rows == keys.count, "\(table)")
            #expect(summary.rows == rows)
        }
        // The same GL table by snapshot (compound keyset) and by business-date window gives the same keys.
        let gl = try source.resolve(try Catalog.builtIn.entry(for: "GenTransaction"), company: "A").entry
        var byKey = Set<[String]>()
        var byDate = Set<[String]>()
        _ = try source.read(ExtractQuery(company: "A", entry: gl, window: .snapshot, pageSize: 97)) { page, _ in
            for row in page { byKey.insert(row.keyValues) }
        }
        _ = try source.read(
            ExtractQuery(company: "A", entry: gl, window: .businessDate(from: "1900-01-01", through: nil), pageSize: 97)
        ) { page, _ in
            for row in page where row.businessDate != nil { byDate.insert(row.keyValues) }
        }
        print("e2e OData GenTransaction: snapshot \(byKey.count) keys, business-date \(byDate.count) keys")
        #expect(byKey.count > 0)
        #expect(byDate.isSubset(of: byKey))
    }

    /// e.net reads a table with lower-case names, edited numbers and expiring sessions, and logs off.
    @Test func enetReadsWithFaults() throws {
        let simulator = try RunningSimulator(arguments: [
            "--scale", "0.05", "--enet-lowercase", "--enet-edited-numbers", "--session-max-calls", "3",
        ])
        // The simulator models a column subset of its own: take the columns its OData $metadata offers.
        let odata = try ODataSource(
            configuration: ODataConfiguration(
                serviceRoot: "http://127.0.0.1:\(simulator.port)/SYSPRO8Odata/SYSPROOData",
                operatorName: "ADMIN",
                password: "secret"
            ),
            transport: try CurlHTTPClient(),
            logger: Logger(label: "e2e")
        )
        let entry = try odata.resolve(try Catalog.builtIn.entry(for: "InvWarehouse"), company: "A").entry
        let configuration = ENetConfiguration(
            baseURL: "http://127.0.0.1:\(simulator.port)/SYSPROWCFService/Rest",
            operatorName: "ADMIN",
            operatorPassword: "secret",
            companyId: "A",
            pageSize: 20
        )
        let source = try ENetSource(
            configuration: configuration,
            transport: try CurlHTTPClient(),
            logger: Logger(label: "e2e")
        )
        let resolved = try source.resolve(entry, company: "A")
        var keys = Set<[String]>()
        let summary = try source.read(ExtractQuery(company: "A", entry: resolved.entry, window: .snapshot)) { page, _ in
            for row in page { keys.insert(row.keyValues) }
        }
        print("e2e e.net InvWarehouse: \(summary.rows) rows, \(summary.pages) pages, faults \(summary.faults)")
        #expect(summary.rows == keys.count)
        #expect(summary.rows > 0)
    }
}
