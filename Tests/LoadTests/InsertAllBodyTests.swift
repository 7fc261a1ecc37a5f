import Testing

@testable import Load

@Suite struct InsertAllBodyTests {
    static func line(_ n: Int, pad: String = "") -> [UInt8] {
        let id = String(repeating: String(n % 10), count: 32)
        return Array(
            #"{"_segment":12,"_line":\#(n),"_insert_id":"\#(id)","_company":"A","Amount":"1234.50","Notes":"\#(pad)"}"#
                .utf8
        )
    }

    /// The insertId is found near the start of the line without parsing it.
    @Test func insertIDIsScannedFromTheLineHead() {
        #expect(StagedRow(line: 0, bytes: Self.line(3)).insertID == String(repeating: "3", count: 32))
        #expect(StagedRow(line: 0, bytes: Array(#"{"_segment":1,"_line":0,"x":1}"#.utf8)).insertID == nil)
        #expect(StagedRow(line: 0, bytes: Array(#"{"_insert_id":"a\"b"}"#.utf8)).insertID == nil)
    }

    /// The body splices each staged line byte for byte: decimals keep their exact text.
    @Test func bodySplicesLinesByteForByte() {
        let rows = [StagedRow(line: 0, bytes: Self.line(1)), StagedRow(line: 1, bytes: Self.line(2))]
        let body = InsertAllBody.make(rows)
        let expected =
            #"{"skipInvalidRows":false,"ignoreUnknownValues":false,"rows":["#
            + #"{"insertId":"11111111111111111111111111111111","json":"# + String(decoding: Self.line(1), as: UTF8.self)
            + "},"
            + #"{"insertId":"22222222222222222222222222222222","json":"# + String(decoding: Self.line(2), as: UTF8.self)
            + "}]}"
        #expect(body == Array(expected.utf8))
        #expect(InsertAllBody.size(of: rows) == body.count)
        #expect(InsertAllBody.singleRowSize(rows[0]) == InsertAllBody.make([rows[0]]).count)
    }

    /// Feeds `rows` through `batcher` and returns the batches it sends (the last, partial one included)
    /// and the rows it rejects.
    static func cut(
        _ rows: [StagedRow],
        _ batcher: inout InsertAllBatcher
    ) -> (
        sent: [InsertAllBatch], rejected: [(StagedRow, String)]
    ) {
        var sent: [InsertAllBatch] = []
        var rejected: [(StagedRow, String)] = []
        for row in rows {
            batcher.add(row) { action in
                switch action {
                case .send(let batch): sent.append(batch)
                case .reject(let row, let reason): rejected.append((row, reason))
                }
            }
        }
        if let last = batcher.finish() { sent.append(last) }
        return (sent, rejected)
    }

    /// Batches close at the row limit.
    @Test func batchesAreBoundedByRows() {
        var batcher = InsertAllBatcher(maxRows: 3, maxBytes: 1_000_000)
        let rows = (0..<7).map { StagedRow(line: $0, bytes: Self.line($0)) }
        let sent = Self.cut(rows, &batcher).sent
        #expect(sent.map { $0.rows.map(\.line) } == [[0, 1, 2], [3, 4, 5], [6]])
    }

    /// A batch spliced row by row is byte for byte the body made from the same rows, and gives them back.
    @Test func splicedBatchEqualsTheBodyOfItsRows() {
        let rows = (0..<5).map { StagedRow(line: $0 + 10, bytes: Self.line($0, pad: "\\u00e9 \\\"q\\\"")) }
        var batcher = InsertAllBatcher(
            maxRows: 500,
            maxBytes: 1_000_000,
            pool: InsertAllBatchPool(limit: 2, reserveBytes: 16, reserveRows: 1)
        )
        let sent = Self.cut(rows, &batcher).sent
        #expect(sent.count == 1)
        #expect(sent.first?.body == InsertAllBody.make(rows))
        #expect(sent.first?.size == InsertAllBody.size(of: rows))
        #expect(sent.first?.stagedRows == rows)
        #expect(
            sent.first?.acknowledgedRuns == [
                AcknowledgedRun(
                    firstLine: 10,
                    count: 5,
                    insertIDFirst: String(repeating: "0", count: 32),
                    insertIDLast: String(repeating: "4", count: 32)
                )
            ]
        )
    }

    /// A reused batch starts empty and builds the same body again.
    @Test func pooledBatchIsReusedEmpty() {
        let pool = InsertAllBatchPool(limit: 1, reserveBytes: 0, reserveRows: 0)
        let rows = (0..<3).map { StagedRow(line: $0, bytes: Self.line($0)) }
        var batcher = InsertAllBatcher(maxRows: 500, maxBytes: 1_000_000, pool: pool)
        guard let first = Self.cut(rows, &batcher).sent.first else {
            Issue.record("expected a batch")
            return
        }
        pool.give(first)
        let reused = pool.take()
        #expect(reused.isEmpty && !reused.isFinished && reused.body == InsertAllBody.prefix)
        var again = InsertAllBatcher(maxRows: 500, maxBytes: 1_000_000, pool: pool)
        #expect(Self.cut(rows, &again).sent.first?.body == InsertAllBody.make(rows))
    }

    /// Runs of acknowledged rows break where lines are not consecutive (rows skipped on resume).
    @Test func acknowledgedRunsBreakAtGaps() {
        let rows = [0, 1, 2, 5, 6, 9].map { StagedRow(line: $0, bytes: Self.line($0)) }
        var batcher = InsertAllBatcher(maxRows: 500, maxBytes: 1_000_000)
        let fromBatch = Self.cut(rows, &batcher).sent.first?.acknowledgedRuns
        let fromRows = AcknowledgedRun.runs(rows)
        #expect(fromRows.map { [$0.firstLine, $0.count] } == [[0, 3], [5, 2], [9, 1]])
        #expect(fromBatch == fromRows)
    }

    /// Batches close before their body would pass the byte limit, and every body stays within it.
    @Test func batchesAreBoundedByBytes() {
        let rows = (0..<10).map { StagedRow(line: $0, bytes: Self.line($0, pad: String(repeating: "x", count: 100))) }
        let limit = InsertAllBody.size(of: Array(rows[0..<3])) + 10
        var batcher = InsertAllBatcher(maxRows: 500, maxBytes: limit)
        let sent = Self.cut(rows, &batcher).sent
        #expect(sent.map(\.count) == [3, 3, 3, 1])
        #expect(sent.allSatisfy { $0.body.count <= limit && $0.body.count == $0.size })
    }

    /// A row without an insertId is rejected, never sent.
    @Test func rowWithoutInsertIDIsRejected() {
        var batcher = InsertAllBatcher(maxRows: 10, maxBytes: 10_000)
        let outcome = Self.cut([StagedRow(line: 0, bytes: Array(#"{"_segment":1,"_line":0}"#.utf8))], &batcher)
        #expect(outcome.sent.isEmpty)
        guard let (_, reason) = outcome.rejected.first else {
            Issue.record("expected a rejection")
            return
        }
        #expect(reason.contains("_insert_id"))
    }

    /// `invalid` rows are rejected with their reason; `stopped` (and unlisted) rows are resent.
    @Test func invalidRowsAreRejectedAndStoppedRowsResent() {
        let rows = (0..<3).map { StagedRow(line: $0, bytes: Self.line($0)) }
        let body = Array(
            #"{"insertErrors":[{"index":1,"errors":[{"reason":"invalid","location":"Amount","debugInfo":"","message":"Invalid NUMERIC value"}]},{"index":0,"errors":[{"reason":"stopped","message":""}]}]}"#
                .utf8
        )
        let outcome = InsertAllOutcome.read(rows: rows, body: body)
        #expect(outcome.acknowledged.isEmpty)
        #expect(outcome.rejected.map(\.row.line) == [1])
        #expect(
            outcome.rejected.first?.reason == "BigQuery rejected the row (invalid at Amount): Invalid NUMERIC value"
        )
        #expect(outcome.resend.map(\.line) == [0, 2])
        let clean = InsertAllOutcome.read(rows: rows, body: Array(#"{"kind":"x","insertErrors":[]}"#.utf8))
        #expect(clean.acknowledged == rows)
    }
}
