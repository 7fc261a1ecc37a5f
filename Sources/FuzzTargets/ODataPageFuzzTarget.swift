import Common
import Extract
import Foundation
import Logging

/// Fuzzes the OData page scanner (and the row building behind it) through `ODataSource.read`: the input is the
/// body of the first page of a snapshot read of `ApInvoice`; later pages (keyset continuation, nextLinks) are
/// empty.
///
/// Invariants checked, beyond "does not crash or hang":
/// - cutting the body into 1–64-byte pieces gives exactly the rows and the error of scanning it whole (the
///   scanner is streaming: a chunk boundary must never change the result);
/// - every row is one line of valid JSON once wrapped in braces (the staged row contract: one JSON object per
///   NDJSON line), so a scanner bug cannot corrupt a segment.
enum ODataPageFuzzTarget {
    /// The rows per request: small, so that keyset continuation is exercised by short inputs.
    static let pageSize = 4
    static let entry: CatalogEntry = {
        do { return try Catalog.builtIn.entry(for: "ApInvoice") } catch { fatalError("built-in catalog: \(error)") }
    }()
    static let logger = Logger(label: "fuzz.odata", factory: { _ in SwiftLogNoOpLogHandler() })

    static func run(_ input: [UInt8]) -> FuzzOutcome {
        let whole = read(input, chunks: .whole)
        let scattered = read(input, chunks: .scattered(seed: ChunkPlan.seed(of: input)))
        precondition(
            whole == scattered,
            "OData scanner: cutting the body into pieces changed the result: whole \(whole), pieces \(scattered)"
        )
        for row in whole.rows { RowInvariants.checkStagedLine(row, source: "OData") }
        if let error = whole.error { return .rejected(error) }
        return .accepted("\(whole.rows.count) rows")
    }

    /// The rows read and the error that stopped the read, if any.
    struct Result: Equatable, CustomStringConvertible {
        var rows: [SourceRow] = []
        var error: String?
        var description: String { "\(rows.count) rows, error: \(error ?? "none")" }
    }

    static func read(_ input: [UInt8], chunks: ChunkPlan) -> Result {
        let transport = InMemoryTransport(
            headers: [HTTPHeader("Content-Type", "application/json; odata.metadata=minimal")],
            chunks: chunks
        ) { _, index in
            index == 0 ? input : Array(#"{"value":[]}"#.utf8)
        }
        var result = Result()
        do {
            let source = try ODataSource(
                configuration: ODataConfiguration(
                    serviceRoot: "http://127.0.0.1:9/odata",
                    operatorName: "FUZZ",
                    password: "fuzz",
                    pageSize: pageSize,
                    rowVersionAvailability: .available,
                    useMetadata: false,
                    maximumConcurrentRequests: 1,
                    retryPolicy: .immediate(maxAttempts: 1)
                ),
                transport: transport,
                logger: logger,
                clock: ManualClock(),
                random: { 0 }
            )
            _ = try source.read(ExtractQuery(company: "A", entry: entry, window: .snapshot)) { rows, _ in
                result.rows += rows
            }
        } catch let error as SysproBQError {
            result.error = "\(error.code): \(error.message)"
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}
