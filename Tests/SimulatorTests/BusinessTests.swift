import Foundation
import Testing

@testable import syspro_sim

@Suite struct BusinessTests {
    static func journalSums(_ table: TableData, journalColumn: String) -> [String: Int64] {
        let s = table.schema
        var sums: [String: Int64] = [:]
        for row in table.rows {
            let key =
                "\(row[s.position(of: "GlYear")!])/\(row[s.position(of: "GlPeriod")!])/\(row[s.position(of: journalColumn)!])"
            if case .decimal(let v) = row[s.position(of: "EntryValue")!] { sums[key, default: 0] += v }
        }
        return sums
    }

    /// Every journal balances to zero in GenTransaction and GenJournalDetail, before and after advance.
    @Test func advanceKeepsJournalsBalanced() throws {
        let sim = try SimHarness()
        for _ in 0..<2 {
            let state = sim.simulator.database("A")!.snapshot()
            let gt = Self.journalSums(state.tables["GenTransaction"]!, journalColumn: "Journal")
            let gd = Self.journalSums(state.tables["GenJournalDetail"]!, journalColumn: "Journal")
            #expect(!gt.isEmpty)
            #expect(gt.values.allSatisfy { $0 == 0 })
            #expect(gd.values.allSatisfy { $0 == 0 })
            _ = sim.simulator.advance(steps: 200, seed: 7)
        }
    }

    /// advance changes rows and every changed row gets a TimeStamp above all earlier ones.
    @Test func advanceBumpsTimeStamps() throws {
        let sim = try SimHarness()
        let before = sim.simulator.database("A")!.snapshot()
        let high = before.nextStamp
        _ = sim.simulator.advance(steps: 100, seed: 3)
        let after = sim.simulator.database("A")!.snapshot()
        var changed = 0
        for (name, table) in after.tables {
            let old = Set(before.tables[name]!.rows.map { $0 })
            for row in table.rows where !old.contains(row) {
                changed += 1
                if case .stamp(let s) = row[table.schema.stampColumn] {
                    #expect(s >= high)
                } else {
                    Issue.record("no stamp")
                }
            }
        }
        #expect(changed > 50)
        #expect(after.nextStamp > high)
    }

    /// The same seed gives byte-identical truth, before and after the same advance; another seed differs.
    @Test func dataIsDeterministicForASeed() throws {
        let a = try SimHarness()
        let b = try SimHarness()
        let c = try SimHarness(SimHarness.configuration { $0.seed = 43 })
        for table in ["ApInvoice", "GenTransaction", "InvWarehouse"] {
            #expect(
                try a.request("GET", "/_sim/truth/A/\(table)").body == b.request("GET", "/_sim/truth/A/\(table)").body
            )
        }
        #expect(
            try a.request("GET", "/_sim/truth/A/ApInvoice").body != c.request("GET", "/_sim/truth/A/ApInvoice").body
        )
        _ = try a.request("POST", "/_sim/advance?steps=50&seed=9")
        _ = try b.request("POST", "/_sim/advance?steps=50&seed=9")
        #expect(
            try a.request("GET", "/_sim/truth/A/ApInvoice").body == b.request("GET", "/_sim/truth/A/ApInvoice").body
        )
    }

    /// Truth uses the staged value formats: decimal strings, plain dates, 0x rowversions, exact padding.
    @Test func truthUsesStagedValueFormats() throws {
        let sim = try SimHarness()
        let first = try sim.request("GET", "/_sim/truth/A/ApInvoice").text.split(separator: "\n")[0]
        #expect(first.hasPrefix("{\"Supplier\":\"     0\",\"Invoice\":"))
        #expect(first.range(of: "\"OrigInvValue\":\"-?[0-9]+\\.[0-9]{2}\"", options: .regularExpression) != nil)
        #expect(first.range(of: "\"InvoiceDate\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"", options: .regularExpression) != nil)
        #expect(first.range(of: "\"TimeStamp\":\"0x[0-9A-F]{16}\"", options: .regularExpression) != nil)
        #expect(
            first.contains("\"Branch\":\"10        \"") || first.contains("\"Branch\":\"20        \"")
                || first.contains("\"Branch\":\"HQ        \"")
        )
    }

    /// GenMaster has the FORCED and RETAINED system rows and all five account types.
    @Test func genMasterHasSystemRowsAndAccountTypes() throws {
        let sim = try SimHarness()
        let text = try sim.request("GET", "/_sim/truth/A/GenMaster").text
        #expect(text.contains("\"GlCode\":\"FORCED\""))
        #expect(text.contains("\"GlCode\":\"RETAINED\""))
        for t in ["A", "L", "C", "R", "E"] { #expect(text.contains("\"AccountType\":\"\(t)\"")) }
    }
}

@Suite struct ConsistencyTests {
    /// While the business advances on another thread, every response is one consistent snapshot:
    /// each journal in a full GenJournalDetail page still balances.
    @Test func responsesStayConsistentDuringAdvance() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.pageCap = 100_000 })
        let simulator = sim.simulator
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            for i in 0..<20 { _ = simulator.advance(steps: 50, seed: UInt64(i)) }
            done.signal()
        }
        worker.start()
        var checked = 0
        repeat {
            let rows = FlatJSON.odataRows(
                try sim.odata("GenJournalDetail?$select=GlYear,GlPeriod,Journal,EntryValue").text
            )
            var sums: [String: Int64] = [:]
            for row in rows {
                let key = row[0].1 + "/" + row[1].1 + "/" + row[2].1
                sums[key, default: 0] += Int64(row[3].1.replacingOccurrences(of: ".", with: ""))!
            }
            #expect(!sums.isEmpty)
            #expect(sums.values.allSatisfy { $0 == 0 })
            checked += 1
        } while done.wait(timeout: .now()) == .timedOut
        #expect(checked > 0)
    }
}
