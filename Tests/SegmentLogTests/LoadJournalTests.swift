import Common
import Foundation
import Testing

@testable import SegmentLog

@Suite struct LoadJournalTests {
    static func ack(_ seq: UInt64, _ first: Int64, _ count: Int64) -> JournalRecord {
        .ack(
            seq: seq,
            firstRow: first,
            rowCount: count,
            insertIdFirst: String(repeating: "a", count: 32),
            insertIdLast: String(repeating: "b", count: 32),
            response: "200 OK, 0 insertErrors"
        )
    }

    /// Records come back in order; progress merges ranges; a replay resets the current delivery.
    @Test func recordsProgressAndReplay() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(Self.ack(1, 0, 500), Self.ack(1, 500, 500), Self.ack(2, 0, 10))
        try journal.append(Self.ack(1, 1500, 100))
        #expect(try journal.progress(1) == [0..<1000, 1500..<1600])
        #expect(try !journal.isLoaded(1))
        try journal.append(.segmentLoaded(seq: 1, rows: 1600, quarantined: 0, mode: .insertAll, jobId: nil))
        #expect(try journal.isLoaded(1))
        try journal.append(.replay(seq: 1, generation: 2, reason: "replay 2024-03"))
        #expect(try journal.progress(1).isEmpty)
        #expect(try !journal.isLoaded(1))
        #expect(try journal.progress(2) == [0..<10])
        let records = try journal.records()
        #expect(records.count == 6)
        #expect(records[0] == Self.ack(1, 0, 500))
    }

    /// Each line is `<crc32 hex> <canonical JSON>` and the CRC covers exactly the JSON bytes.
    @Test func linesCarryACRCOverTheJSON() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(
            .segmentLoaded(seq: 3, rows: 7, quarantined: 1, mode: .loadJob, jobId: "syspro_A_ApInvoice_3")
        )
        let text = try String(contentsOfFile: staging.path(.journal(1)), encoding: .utf8)
        let json =
            #"{"at":"2026-11-27T15:00:00.000Z","jobId":"syspro_A_ApInvoice_3","mode":"loadJob","quarantined":1,"rows":7,"seq":3,"type":"segmentLoaded"}"#
        #expect(text == Hex.crc32(CRC32.checksum(Array(json.utf8))) + " " + json + "\n")
    }

    /// A torn last line (no newline) is ignored on read and reported; the next appender acknowledges it.
    @Test func tornTailIsIgnoredThenAcknowledged() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(Self.ack(1, 0, 5))
        let path = staging.path(.journal(1))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("0badc0de {\"at\":\"2026".utf8))
        try handle.close()
        let contents = try journal.contents()
        #expect(contents.entries.count == 1)
        #expect(contents.tornTail?.offset == Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count - 20))
        #expect(contents.tornTail?.length == 20)
        let verify = try LogVerifier(log: staging.log).verify(stream: staging.stream)
        #expect(verify.findings.map(\.kind) == [.journalTornTail])
        #expect(verify.isClean)

        try journal.append(Self.ack(1, 5, 5))
        let after = try journal.contents()
        #expect(after.tornTail == nil)
        #expect(after.entries.map(\.record).contains(Self.ack(1, 5, 5)))
        #expect(after.entries.contains { if case .torn = $0.record { true } else { false } })
        #expect(try journal.progress(1) == [0..<10])
        #expect(try LogVerifier(log: staging.log).verify(stream: staging.stream).findings.isEmpty)
    }

    /// A last line with a bad CRC (but a newline) is also a torn tail.
    @Test func badCRCOnTheLastLineIsATornTail() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(Self.ack(1, 0, 5), Self.ack(1, 5, 5))
        let path = staging.path(.journal(1))
        let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
        try Damage.flipByte(at: size - 10, in: path)
        #expect(try journal.records() == [Self.ack(1, 0, 5)])
        #expect(try journal.contents().tornTail != nil)
    }

    /// A bad CRC on an earlier line is corruption, named by file and offset.
    @Test func badCRCOnAnEarlierLineIsCorruption() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        try journal.append(Self.ack(1, 0, 5), Self.ack(1, 5, 5), Self.ack(1, 10, 5))
        try Damage.replace(in: staging.path(.journal(1)), #""firstRow":5"#, with: #""firstRow":6"#)
        do {
            _ = try journal.records()
            Issue.record("corruption was not detected")
        } catch let error as SysproBQError {
            #expect(error.code == .corruption)
            #expect(error.message.contains(staging.path(.journal(1))))
            #expect(error.message.contains("CRC-32 mismatch"))
        }
        let verify = try LogVerifier(log: staging.log).verify(stream: staging.stream)
        #expect(verify.findings.map(\.kind) == [.journalCorrupt])
    }

    /// The appender starts a new file once the current one reaches the rotation size.
    @Test func journalRotatesBySize() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream, rotationBytes: 400)
        for index in 0..<10 { try journal.append(Self.ack(1, Int64(index * 10), 10)) }
        #expect(try journal.files().count > 2)
        #expect(try journal.progress(1) == [0..<100])
        #expect(FileManager.default.fileExists(atPath: staging.path(.journal(2))))
    }

    /// Rejected rows go to quarantine/rows-<seq>.ndjson (exact bytes, as a JSON string) and the journal.
    @Test func rejectedRowsAreQuarantined() throws {
        let staging = try TestStaging()
        let (manifests, _) = try staging.write(segments: 1, rowsPerSegment: 3)
        let line = try staging.readLines(manifests[0])[1]
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        let appender = try journal.openAppender()
        try journal.quarantine(
            seq: 1,
            rows: [(row: 1, line: line, reason: "invalid: no such field")],
            appender: appender
        )
        try appender.close()
        let path = staging.path(.quarantinedRows(1))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["row"] as? String == String(decoding: line, as: UTF8.self))
        #expect(object?["reason"] as? String == "invalid: no such field")
        #expect(try journal.state().quarantinedRows(1) == [1])
    }

    /// Two appenders on one journal: the second is refused with `.locked`.
    @Test func secondAppenderIsLockedOut() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        let first = try journal.openAppender()
        defer { try? first.close() }
        #expect {
            try journal.openAppender()
        } throws: { error in
            (error as? SysproBQError)?.code == .locked
        }
    }
}

@Suite struct LoadJournalFaultTests {
    /// A failed append leaves a partial line; the next append acknowledges it and the journal stays readable.
    @Test func failedAppendIsRepairedByTheNextOne() throws {
        let staging = try TestStaging()
        let journal = LoadJournal(log: staging.log, stream: staging.stream)
        let appender = try journal.openAppender()
        defer { SystemCallFaults.reset() }
        try appender.append(LoadJournalTests.ack(1, 0, 5))
        SystemCallFaults.limitWrites(toBytes: 10, times: 1)
        SystemCallFaults.inject(call: "write", errno: EIO, after: 1)
        #expect(throws: SysproBQError.self) { try appender.append(LoadJournalTests.ack(1, 5, 5)) }
        SystemCallFaults.reset()
        #expect(try journal.contents().tornTail?.length == 10)
        try appender.append(LoadJournalTests.ack(1, 5, 5))
        try appender.close()
        let contents = try journal.contents()
        #expect(contents.tornTail == nil)
        #expect(try journal.progress(1) == [0..<10])
    }
}
