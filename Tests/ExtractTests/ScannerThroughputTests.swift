import Common
import Foundation
import Logging
import Testing

@testable import Extract

/// Throughput of the OData path without the network: scanner + row builder over synthetic ApInvoice pages.
///
/// The normal suite runs 5,000 rows; `EXTRACT_BENCHMARK_ROWS=1000000` runs the full measurement and prints
/// rows/s (debug builds are several times slower than release).
@Suite struct ScannerThroughputTests {
    static var rowCount: Int {
        ProcessInfo.processInfo.environment["EXTRACT_BENCHMARK_ROWS"].flatMap(Int.init) ?? 5000
    }

    /// Builds one 5000-row page body of the built-in ApInvoice entry.
    static func pageBody(entry: CatalogEntry, rows: Int, offset: Int) -> [UInt8] {
        var body = Array(#"{"@odata.context":"https://h/odata/$metadata#ApInvoice","value":["#.utf8)
        for index in 0..<rows {
            let number = offset + index
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(UInt8(ascii: "{"))
            for (position, column) in entry.columns.enumerated() {
                if position > 0 { body.append(UInt8(ascii: ",")) }
                body += Array("\"\(column.name)\":".utf8)
                switch column.sqlType {
                case .decimal(let precision, let scale):
                    var modulus = 1
                    for _ in 0..<min(precision - scale, 6) { modulus *= 10 }
                    let fraction = scale > 0 ? "." + String(repeating: "5", count: scale) : ""
                    body += Array("\(number % modulus)\(fraction)".utf8)
                case .datetime: body += Array("\"2024-03-\(10 + number % 20)T00:00:00+02:00\"".utf8)
                case .timestamp:
                    let bytes = withUnsafeBytes(of: UInt64(number).bigEndian) { Array($0) }
                    body += Array("\"\(Base64.encode(bytes))\"".utf8)
                default:
                    body += Array(column.name == "Supplier" ? "\"  \(number / 7)\"".utf8 : "\"INV-\(number)\"".utf8)
                }
            }
            body.append(UInt8(ascii: "}"))
        }
        body += Array("]}".utf8)
        return body
    }

    /// The scanner and row builder process the synthetic pages without errors, and report their rate.
    @Test func scannerThroughput() throws {
        let entry = try Catalog.builtIn.entry(for: "ApInvoice")
        let pageRows = 5000
        let pages = max(1, Self.rowCount / pageRows)
        let bodies = (0..<2).map { Self.pageBody(entry: entry, rows: pageRows, offset: $0 * pageRows) }
        var builder = SourceRowBuilder(entry: entry)
        let columns = entry.columns.map(\.name)
        var rows = 0
        var bytes = 0
        var checksum = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for page in 0..<pages {
            let body = bodies[page % 2]
            var scanner = ODataPageScanner(entity: "ApInvoice", columns: columns)
            try body.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let end = min(offset + 16_384, buffer.count)
                    try scanner.feed(UnsafeRawBufferPointer(rebasing: buffer[offset..<end])) { raw in
                        let row = try builder.build(raw)
                        checksum &+= row.columnsJSON.count
                        rows += 1
                    }
                    offset = end
                }
            }
            try scanner.finish()
            bytes += body.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            "scanner+builder: \(rows) rows, \(bytes / 1_000_000) MB in \(String(format: "%.2f", seconds)) s = "
                + "\(Int(Double(rows) / seconds)) rows/s, \(String(format: "%.1f", Double(bytes) / seconds / 1e6)) MB/s"
        )
        #expect(rows == pages * pageRows)
        #expect(checksum > 0)
    }
}
