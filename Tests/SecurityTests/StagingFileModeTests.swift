import Common
import Foundation
import Logging
import SegmentLog
import Testing

/// Staged data is finance data: everything SegmentLog creates is readable by the owner only (files 0600,
/// directories 0700), whatever the process umask lets through.
@Suite struct StagingFileModeTests {
    static let logger = Logger(label: "security-tests") { _ in SwiftLogNoOpLogHandler() }

    static let schema = try! StreamSchema(
        columns: [
            ColumnSchema(name: "Supplier", sqlType: "varchar(15)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "Invoice", sqlType: "varchar(20)", bigQueryType: .string, nullable: false),
            ColumnSchema(name: "OrigInvValue", sqlType: "decimal(14,2)", bigQueryType: .numeric, nullable: false),
        ],
        keyColumns: ["Supplier", "Invoice"],
        businessDateColumn: nil,
        amountColumns: ["OrigInvValue"],
        versionKind: .rowversion
    )

    /// The permission bits of every file and directory under `root` (and `root` itself), by path.
    static func modes(under root: String) throws -> [String: (mode: mode_t, isDirectory: Bool)] {
        var found: [String: (mode: mode_t, isDirectory: Bool)] = [:]
        var paths = [root]
        for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
            paths.append("\(root)/\(relative)")
        }
        for path in paths {
            var status = stat()
            guard lstat(path, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            found[path] = (status.st_mode & 0o777, (status.st_mode & S_IFMT) == S_IFDIR)
        }
        return found
    }

    /// A stream written with `StagingLog.openWriter`, sealed twice, with a load journal record, creates only
    /// 0600 files and 0700 directories (staging root, company and table directories included).
    @Test func stagingCreatesOwnerOnlyFilesAndDirectories() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("staging").path
        let log = try StagingLog(root: root, clock: ManualClock(), logger: Self.logger)
        let stream = try StreamID(company: "A", table: "ApInvoice")
        let writer = try log.openWriter(stream: stream, schema: Self.schema, runID: "20261127T150000Z-4f2a9c")
        for segment in 0..<2 {
            for line in 0..<3 {
                let row =
                    #"{"_insert_id":"\#(String(repeating: "0", count: 31))\#(line)","Supplier":"   10","#
                    + #""Invoice":"INV-\#(segment)-\#(line)","OrigInvValue":"1234.50"}"#
                try writer.append(line: Array(row.utf8))
            }
            _ = try writer.seal(
                SealMetadata(
                    sourceQuery: "ApInvoice",
                    cursor: CursorRange(from: nil, to: nil),
                    businessDates: nil,
                    controlTotals: try ControlTotals(rowCount: 3, amounts: ["OrigInvValue": "3703.50"])
                )
            )
        }
        try writer.close()
        try LoadJournal(log: log, stream: stream).append(
            .segmentLoaded(seq: 1, rows: 3, quarantined: 0, mode: .insertAll, jobId: nil)
        )

        let modes = try Self.modes(under: root)
        #expect(modes.values.filter { !$0.isDirectory }.count >= 5, "segments, manifests, schema, journal")
        #expect(modes.values.filter(\.isDirectory).count >= 3, "root, company, table")
        for (path, entry) in modes.sorted(by: { $0.key < $1.key }) {
            let expected: mode_t = entry.isDirectory ? 0o700 : 0o600
            #expect(
                entry.mode == expected,
                "\(path) has mode \(String(entry.mode, radix: 8)), expected \(String(expected, radix: 8))"
            )
        }
    }
}
