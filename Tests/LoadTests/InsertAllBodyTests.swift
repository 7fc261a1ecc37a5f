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

    /// Batches close at the row limit.
    @Test func batchesAreBoundedByRows() {
        var batcher = InsertAllBatcher(maxRows: 3, maxBytes: 1_000_000)
        var sent: [[Int]] = []
        for n in 0..<7 {
            for case .send(let batch) in batcher.add(StagedRow(line: n, bytes: Self.line(n))) {
                sent.append(batch.map(\.line))
            }
        }
        if let last = batcher.finish() { sent.append(last.map(\.line)) }
        #expect(sent == [[0, 1, 2], [3, 4, 5], [6]])
    }

    /// Batches close before their body would pass the byte limit, and every body stays within it.
    @Test func batchesAreBoundedByBytes() {
        let rows = (0..<10).map { StagedRow(line: $0, bytes: Self.line($0, pad: String(repeating: "x", count: 100))) }
        let limit = InsertAllBody.size(of: Array(rows[0..<3])) + 10
        var batcher = InsertAllBatcher(maxRows: 500, maxBytes: limit)
        var sent: [[StagedRow]] = []
        for row in rows {
            for case .send(let batch) in batcher.add(row) { sent.append(batch) }
        }
        if let last = batcher.finish() { sent.append(last) }
        #expect(sent.map(\.count) == [3, 3, 3, 1])
        #expect(sent.allSatisfy { InsertAllBody.make($0).count <= limit })
    }

    /// A row without an insertId is rejected, never sent.
    @Test func rowWithoutInsertIDIsRejected() {
        var batcher = InsertAllBatcher(maxRows: 10, maxBytes: 10_000)
        let actions = batcher.add(StagedRow(line: 0, bytes: Array(#"{"_segment":1,"_line":0}"#.utf8)))
        guard case .reject(_, let reason)? = actions.first else {
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
