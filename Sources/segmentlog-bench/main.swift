// segmentlog-bench: the staging log's write and read throughput beside plain zlib on the same bytes, at the
// same gzip level and block size, in the same run (issue "Staging log", benchmark). Part of `make bench`, never
// of `make test`. Prints a table and, with --json PATH, writes the figures as JSON.
//
// Usage: segmentlog-bench [--rows N] [--level L] [--json PATH] [--directory DIR] [--gl-groups N]
//
// --gl-groups N gives every manifest N GenTransaction-style journal/account control-total groups (a 100k-row
// GL segment has about 16k), so seal and manifest decoding can be measured (e.g. under callgrind).

import Common
import Foundation
import Logging
import SegmentLog

struct Options {
    var rows = 300_000
    var level: Int32 = 1
    var glGroups = 0
    var json: String?
    var directory = FileManager.default.temporaryDirectory.appendingPathComponent("segmentlog-bench").path

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--rows": rows = Int(iterator.next() ?? "") ?? rows
            case "--level": level = Int32(iterator.next() ?? "") ?? level
            case "--json": json = iterator.next()
            case "--directory": directory = iterator.next() ?? directory
            case "--gl-groups": glGroups = Int(iterator.next() ?? "") ?? glGroups
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(64)
            }
        }
    }
}

/// A GL-posting-shaped staged row of about 600 bytes; deterministic.
func row(_ number: Int) -> [UInt8] {
    let amount = (number * 7919) % 10_000_000
    let text =
        #"{"_insert_id":"\#(String(format: "%032x", number &* 2_654_435_761))","_company":"A","_table":"GenTransaction","#
        + #""_version":"0x\#(String(format: "%016X", number + 1))","_deleted":false,"#
        + #""_extracted_at":"2026-11-27T15:00:00.000000Z","_run_id":"bench","GlYear":"2025","GlPeriod":"\#(number % 12 + 1)","#
        + #""Journal":"\#(number / 8)","GlLine":"\#(number % 8 + 1)","GlCode":"\#(String(format: "%05d", number % 400))-000-000","#
        + #""Source":"GL","JnlDate":"2025-\#(String(format: "%02d", number % 12 + 1))-15","#
        + #""Reference":"REF \#(number)   ","EntryValue":"\#(number % 2 == 0 ? "" : "-")\#(amount / 100).\#(String(format: "%02d", amount % 100))","#
        + #""Comment":"Posting \#(number) for period close, journal batch \#(number / 8)","#
        + #""TransactionDate":"2025-\#(String(format: "%02d", number % 12 + 1))-14","SubModSupplier":"","SubModCustomer":""}"#
    return Array(text.utf8)
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

struct Measurement {
    var name: String
    var seconds: Double
    var cpu: Double
    var bytes: Int
    var rows: Int
    var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
    var rowsPerSecond: Double { Double(rows) / seconds }
}

func measure(_ name: String, bytes: Int, rows: Int, _ body: () throws -> Void) rethrows -> Measurement {
    let cpuStart = cpuSeconds()
    let start = Date()
    try body()
    return Measurement(
        name: name,
        seconds: Date().timeIntervalSince(start),
        cpu: cpuSeconds() - cpuStart,
        bytes: bytes,
        rows: rows
    )
}

let options = Options(CommandLine.arguments)
let logger = Logger(label: "segmentlog-bench", factory: { _ in SwiftLogNoOpLogHandler() })
try? FileManager.default.removeItem(atPath: options.directory)
try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: options.directory) }

// The uncompressed NDJSON the log would hold (without the _segment/_line prefix), generated once.
var lines: [[UInt8]] = []
lines.reserveCapacity(options.rows)
var uncompressedBytes = 0
for number in 0..<options.rows {
    let line = row(number)
    uncompressedBytes += line.count + 1
    lines.append(line)
}
let blockSize = 1 << 20

// 1. Plain zlib: the same bytes, one gzip member per 1 MiB block, compressed then decompressed.
var compressed: [UInt8] = []
compressed.reserveCapacity(uncompressedBytes / 4)
let zlibWrite = try measure("zlib compress", bytes: uncompressedBytes, rows: options.rows) {
    let compressor = try GzipCompressor(level: options.level)
    var block: [UInt8] = []
    block.reserveCapacity(blockSize + 4096)
    for line in lines {
        block.append(contentsOf: line)
        block.append(0x0A)
        if block.count >= blockSize {
            try compressor.update(block, appendingTo: &compressed)
            try compressor.finish(appendingTo: &compressed)
            block.removeAll(keepingCapacity: true)
        }
    }
    if !block.isEmpty {
        try compressor.update(block, appendingTo: &compressed)
        try compressor.finish(appendingTo: &compressed)
    }
}
var decompressedBytes = 0
let zlibRead = try measure("zlib decompress", bytes: uncompressedBytes, rows: options.rows) {
    let decompressor = try GzipDecompressor()
    try decompressor.update(compressed) { decompressedBytes += $0.count }
    try decompressor.finish()
}
precondition(decompressedBytes == uncompressedBytes, "zlib round trip lost bytes")

// 2. The staging log: the same rows through SegmentWriter (fsync, manifest, chain) and SegmentReader (SHA-256).
let log = try StagingLog(root: options.directory, logger: logger)
let stream = try StreamID(company: "A", table: "GenTransaction")
let schema = try StreamSchema(
    columns: [ColumnSchema(name: "EntryValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: true)],
    keyColumns: ["EntryValue"],
    businessDateColumn: nil,
    amountColumns: [],
    versionKind: .rowversion
)
let segmentRows = 100_000
var glGroups: [String: [String: String]] = [:]
for index in 0..<(options.glGroups / 2) {
    let period = 1 + index % 12
    glGroups["journal:2024-\(period)-\(100_000 + index)"] = ["debit": "\(index * 37).45", "credit": "\(index * 37).45"]
    glGroups["account:2024-\(period)-\(10_000 + index % 3000)-\(index % 7)"] = [
        "debit": "\(index * 11).10", "credit": "\(index * 5).05",
    ]
}
let logWrite = try measure("segment log write", bytes: uncompressedBytes, rows: options.rows) {
    try log.withWriter(
        stream: stream,
        schema: schema,
        runID: "bench",
        options: WriterOptions(blockSize: blockSize, compressionLevel: options.level)
    ) { writer in
        var inSegment = 0
        for line in lines {
            try writer.append(line: line)
            inSegment += 1
            if inSegment == segmentRows {
                _ = try writer.seal(
                    SealMetadata(
                        sourceQuery: "bench",
                        cursor: CursorRange(from: nil, to: nil),
                        businessDates: nil,
                        controlTotals: try ControlTotals(rowCount: Int64(inSegment), amounts: [:], groups: glGroups)
                    )
                )
                inSegment = 0
            }
        }
        if inSegment > 0 {
            _ = try writer.seal(
                SealMetadata(
                    sourceQuery: "bench",
                    cursor: CursorRange(from: nil, to: nil),
                    businessDates: nil,
                    controlTotals: try ControlTotals(rowCount: Int64(inSegment), amounts: [:], groups: glGroups)
                )
            )
        }
    }
}
var rowsRead = 0
let logRead = try measure("segment log read+verify", bytes: uncompressedBytes, rows: options.rows) {
    for manifest in try log.manifests(of: stream) {
        try log.withReader(manifest) { reader in
            try reader.forEachRow(from: 0) { _, _ in
                rowsRead += 1
                return true
            }
        }
    }
}
precondition(rowsRead == options.rows, "segment log round trip lost rows")

let writeRatio = zlibWrite.seconds / logWrite.seconds
let readRatio = zlibRead.seconds / logRead.seconds
print("segmentlog-bench: \(options.rows) rows, \(uncompressedBytes / 1_000_000) MB NDJSON, gzip level \(options.level)")
print("operation                   seconds    CPU s      MB/s     rows/s")
for measurement in [zlibWrite, logWrite, zlibRead, logRead] {
    print(
        measurement.name.padding(toLength: 26, withPad: " ", startingAt: 0)
            + String(
                format: " %8.3f %8.3f %9.1f %10.0f",
                measurement.seconds,
                measurement.cpu,
                measurement.megabytesPerSecond,
                measurement.rowsPerSecond
            )
    )
}
print(String(format: "write speed vs zlib: %.2f (target >= 0.80) %@", writeRatio, writeRatio >= 0.8 ? "PASS" : "FAIL"))
print(String(format: "read speed vs zlib:  %.2f (target >= 0.80) %@", readRatio, readRatio >= 0.8 ? "PASS" : "FAIL"))
print(
    String(
        format: "by CPU seconds (fair on a loaded machine): write %.2f, read %.2f",
        zlibWrite.cpu / logWrite.cpu,
        zlibRead.cpu / logRead.cpu
    )
)
print(String(format: "peak RSS: %.1f MB (the input rows are held in memory for both contenders)", peakRSSMegabytes()))

if let path = options.json {
    let object: [String: Any] = [
        "rows": options.rows, "uncompressed_bytes": uncompressedBytes, "gzip_level": Int(options.level),
        "zlib_write_seconds": zlibWrite.seconds, "log_write_seconds": logWrite.seconds,
        "zlib_read_seconds": zlibRead.seconds, "log_read_seconds": logRead.seconds,
        "write_ratio": writeRatio, "read_ratio": readRatio, "peak_rss_mb": peakRSSMegabytes(),
        "write_cpu_ratio": zlibWrite.cpu / logWrite.cpu, "read_cpu_ratio": zlibRead.cpu / logRead.cpu,
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
    try data.write(to: URL(fileURLWithPath: path))
}
