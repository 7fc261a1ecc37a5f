// segmentlog-crash-writer: a test helper for SegmentLog's kill trials. Not part of the connector.
//
// Usage: segmentlog-crash-writer <staging-root> <company> <table> <seed>
//
// Writes segments of random size to one stream forever, printing "sealed <seq> <rows>" after each seal
// returns, until it is killed. The kill-trial test SIGKILLs it at random instants and checks that recovery
// leaves only whole, verifiable, sealed segments.
import Common
import Logging
import SegmentLog

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 5, let seed = UInt64(arguments[4]) else {
    FileHandleStandardError.write("usage: segmentlog-crash-writer <root> <company> <table> <seed>\n")
    exit(64)
}

/// Unbuffered writes to standard output and error, so nothing printed before a SIGKILL is lost.
enum FileHandleStandardError {
    static func write(_ text: String, descriptor: Int32 = 2) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}

/// A small deterministic generator (SplitMix64) so a failing trial can be rerun with its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

var random = SplitMix64(state: seed)
let logger = Logger(label: "segmentlog-crash-writer") { _ in SwiftLogNoOpLogHandler() }
do {
    let log = try StagingLog(root: arguments[1], logger: logger)
    let stream = try StreamID(company: arguments[2], table: arguments[3])
    let schema = try StreamSchema(
        columns: [
            ColumnSchema(name: "Invoice", sqlType: "varchar(20)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "Amount", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: false),
        ],
        keyColumns: ["Invoice"],
        businessDateColumn: nil,
        amountColumns: ["Amount"],
        versionKind: .rowversion
    )
    try log.withWriter(
        stream: stream,
        schema: schema,
        runID: "crash-\(seed)",
        options: WriterOptions(blockSize: 4096, compressionLevel: 1)
    ) { writer in
        var invoice = 0
        while true {
            let rows = Int.random(in: 1...400, using: &random)
            for _ in 0..<rows {
                invoice += 1
                let padding = String(repeating: "x", count: Int.random(in: 0...120, using: &random))
                let line =
                    #"{"_insert_id":"\#(invoice)","Invoice":"INV-\#(invoice)","Amount":"1.00","Pad":"\#(padding)"}"#
                try writer.append(line: Array(line.utf8))
            }
            let manifest = try writer.seal(
                SealMetadata(
                    sourceQuery: "crash-writer",
                    cursor: CursorRange(from: nil, to: "\(invoice)"),
                    businessDates: nil,
                    controlTotals: try ControlTotals(rowCount: Int64(rows), amounts: ["Amount": "\(rows).00"])
                )
            )
            FileHandleStandardError.write("sealed \(manifest!.sequence) \(manifest!.rowCount)\n", descriptor: 1)
        }
    }
} catch {
    FileHandleStandardError.write("segmentlog-crash-writer: \(error)\n")
    exit(1)
}
