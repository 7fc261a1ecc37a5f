import Common
import Foundation
import Logging
import Testing

@testable import SegmentLog

/// A fresh staging directory under the temporary directory, removed by ``remove()``.
final class TestStaging {
    let directory: String
    let log: StagingLog
    let clock: ManualClock
    let stream: StreamID

    init(clockStart: Date = Date(timeIntervalSince1970: 1_795_791_600)) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("segmentlog-\(UUID().uuidString)").path
        clock = ManualClock(start: clockStart)
        log = try StagingLog(root: "\(directory)/staging", clock: clock, logger: TestStaging.logger)
        stream = try StreamID(company: "A", table: "ApInvoice")
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static let logger = Logger(label: "segmentlog-tests") { _ in SwiftLogNoOpLogHandler() }

    static let schema = try! StreamSchema(
        columns: [
            ColumnSchema(name: "Supplier", sqlType: "varchar(15)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "Invoice", sqlType: "varchar(20)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "OrigInvValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: false),
            ColumnSchema(name: "InvoiceDate", sqlType: "datetime", bigQueryType: .date, nullable: true),
            ColumnSchema(name: "Notes", sqlType: "varchar(100)", bigQueryType: .string, nullable: true),
        ],
        keyColumns: ["Supplier", "Invoice"],
        businessDateColumn: "InvoiceDate",
        amountColumns: ["OrigInvValue"],
        versionKind: .rowversion
    )

    /// Path of `name` in the test stream.
    func path(_ name: SegmentFileName) -> String { log.path(stream, name) }

    /// A Stage-style row (without `_segment`/`_line`) for invoice `number`.
    static func row(_ number: Int, padding: Int = 0) -> [UInt8] {
        let notes =
            number % 3 == 0
            ? "null"
            : #""note \#(number) with \"quotes\", a \\n escape and \#(String(repeating: "é", count: padding))""#
        let line =
            #"{"_insert_id":"\#(String(format: "%032x", number))","_company":"A","_table":"ApInvoice","#
            + #""_version":"0x\#(String(format: "%016X", number))","_deleted":false,"Supplier":"   10","#
            + #""Invoice":"INV-\#(number)","OrigInvValue":"\#(number).50","InvoiceDate":"2024-03-\#(String(format: "%02d", number % 28 + 1))","#
            + #""Notes":\#(notes)}"#
        return Array(line.utf8)
    }

    /// Seal metadata for `rows` rows.
    static func metadata(rows: Int64, dates: (String, String)? = ("2024-03-01", "2024-03-28")) throws -> SealMetadata {
        SealMetadata(
            sourceQuery: "ApInvoice?$filter=TimeStamp gt 0x00&$orderby=TimeStamp,Supplier,Invoice",
            cursor: CursorRange(from: "0x0000000000000000", to: "0x00000000000007D1"),
            businessDates: try dates.map { try BusinessDateRange(min: $0.0, max: $0.1) },
            controlTotals: try ControlTotals(rowCount: rows, amounts: ["OrigInvValue": "\(rows).50"])
        )
    }

    /// Writes `segments` segments of `rowsPerSegment` rows each; returns the manifests and the rows appended.
    @discardableResult
    func write(
        segments: Int,
        rowsPerSegment: Int,
        blockSize: Int = 1024,
        padding: Int = 0,
        compressInBackground: Bool = false
    ) throws -> (manifests: [Manifest], rows: [[[UInt8]]]) {
        var manifests: [Manifest] = []
        var written: [[[UInt8]]] = []
        try log.withWriter(
            stream: stream,
            schema: TestStaging.schema,
            runID: "20261127T150000Z-4f2a9c",
            options: WriterOptions(blockSize: blockSize, compressInBackground: compressInBackground)
        ) { writer in
            var number = (try log.manifests(of: stream).last.map { Int($0.sequence) } ?? 0) * 10_000
            for _ in 0..<segments {
                var rows: [[UInt8]] = []
                for _ in 0..<rowsPerSegment {
                    number += 1
                    let row = TestStaging.row(number, padding: padding)
                    try writer.append(line: row)
                    rows.append(row)
                }
                manifests.append(try writer.seal(try TestStaging.metadata(rows: Int64(rowsPerSegment)))!)
                written.append(rows)
            }
        }
        return (manifests, written)
    }

    /// Every stored line of a segment, read through the block index from `row`.
    func readLines(_ manifest: Manifest, from row: Int64 = 0) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try log.withReader(manifest) { reader in
            var expected = row
            var misnumbered = false
            try reader.forEachRow(from: row) { line, number in
                misnumbered = misnumbered || number != expected
                expected += 1
                lines.append(Array(line))
                return true
            }
            #expect(!misnumbered, "rows were delivered out of order")
        }
        return lines
    }
}

/// Byte-level damage for format tests (STYLE.md §21).
enum Damage {
    static func flipByte(at offset: Int, in path: String) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func truncate(_ path: String, by count: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - count).write(to: URL(fileURLWithPath: path))
    }

    static func replace(in path: String, _ old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old), "fixture text \(old) not found")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func swap(_ first: String, _ second: String) throws {
        let temp = first + ".swap"
        try FileManager.default.moveItem(atPath: first, toPath: temp)
        try FileManager.default.moveItem(atPath: second, toPath: first)
        try FileManager.default.moveItem(atPath: temp, toPath: second)
    }
}

/// Runs a shell pipeline and returns its standard output.
func shell(_ command: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The stored line for a Stage row: `{"_segment":s,"_line":n,` + row after `{`.
func storedLine(_ row: [UInt8], segment: UInt64, line: Int) -> [UInt8] {
    Array(#"{"_segment":\#(segment),"_line":\#(line),"#.utf8) + row.dropFirst()
}
