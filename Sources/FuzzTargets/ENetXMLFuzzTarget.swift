import Common
import Extract
import Logging

/// Fuzzes e.net answer handling through `ENetSource.read`: the input is the body of the first COMFND
/// `Query/Query` answer of a snapshot read of `PorMasterDetail`, so it passes the Windows-1252 (or declared
/// UTF-8) decoding, the error/session classification, the XML tree and COMFND row reading. Logon answers a
/// token, Logoff `0`, and later pages are empty.
///
/// Undefined Windows-1252 bytes are rejected for inputs of even length and mapped to C1 controls for odd
/// lengths, so both policies are exercised by one corpus.
///
/// Invariants checked, beyond "does not crash or hang": every row is one valid JSON line with decimal amounts
/// (``RowInvariants``), and every Logon is matched by a Logoff (a session holds a SYSPRO licence seat).
enum ENetXMLFuzzTarget {
    /// Rows per COMFND page: small, so that the keyset continuation is exercised by short inputs.
    static let pageSize = 3
    static let entry: CatalogEntry = {
        do { return try Catalog.builtIn.entry(for: "PorMasterDetail") } catch {
            fatalError("built-in catalog: \(error)")
        }
    }()
    static let logger = Logger(label: "fuzz.enet", factory: { _ in SwiftLogNoOpLogHandler() })
    static let emptyPage = Array(
        #"<?xml version="1.0" encoding="Windows-1252"?><PorMasterDetail><RowsReturned>0</RowsReturned></PorMasterDetail>"#
            .utf8
    )

    static func run(_ input: [UInt8]) -> FuzzOutcome {
        var logons = 0
        var logoffs = 0
        var queries = 0
        let transport = InMemoryTransport(
            headers: [HTTPHeader("Content-Type", "application/xml; charset=windows-1252")],
            chunks: .scattered(seed: ChunkPlan.seed(of: input))
        ) { request, _ in
            if request.url.contains("/Logon?") {
                logons += 1
                return Array("\"FUZZSESSION\(logons)\"".utf8)
            }
            if request.url.contains("/Logoff?") {
                logoffs += 1
                return Array("0".utf8)
            }
            if request.url.contains("/Query/") {
                queries += 1
                return queries == 1 ? input : emptyPage
            }
            return Array("8.0.0.1".utf8)
        }
        var rows: [SourceRow] = []
        var failure: String?
        do {
            let source = try ENetSource(
                configuration: ENetConfiguration(
                    baseURL: "http://127.0.0.1:9/SYSPROWCFService/Rest",
                    operatorName: "FUZZ",
                    operatorPassword: "fuzz",
                    companyId: "A",
                    pageSize: pageSize,
                    undefinedWindows1252Bytes: input.count % 2 == 0 ? .reject : .mapToC1,
                    maximumConcurrentRequests: 1,
                    retryPolicy: .immediate(maxAttempts: 1)
                ),
                transport: transport,
                logger: logger,
                clock: ManualClock(),
                random: { 0 }
            )
            _ = try source.read(ExtractQuery(company: "A", entry: entry, window: .snapshot)) { page, _ in
                rows += page
            }
        } catch let error as SysproBQError {
            failure = "\(error.code): \(error.message)"
        } catch {
            failure = "\(error)"
        }
        precondition(logons == logoffs, "e.net: \(logons) logons but \(logoffs) logoffs (a licence seat leaks)")
        for row in rows { RowInvariants.checkStagedLine(row, source: "e.net COMFND") }
        if let failure { return .rejected(failure) }
        return .accepted("\(rows.count) rows")
    }
}
