import Common
import Foundation
import SegmentLog
import Testing

@testable import Stage

/// The GL group table finds every group again, however many there are, and lists them in byte order.
@Suite struct GroupSumTableTests {
    /// Adds `units` (scale 2) to the debit of `name`.
    static func add(_ table: inout GroupSumTable, _ name: String, _ units: Int64) {
        var name = name
        name.withUTF8 { table.update($0) { $0.debit.add(units: units, scale: 2) } }
    }

    /// The table's groups as `name: debit`, in the order it lists them.
    static func listed(_ table: GroupSumTable) -> [(String, String)] {
        var out: [(String, String)] = []
        table.forEachInByteOrder { name, sums in
            out.append((String(decoding: name, as: UTF8.self), sums.debit.description))
        }
        return out
    }

    @Test func sumsEqualADictionaryAcrossGrowthAndNamesOfEveryLength() {
        var table = GroupSumTable()
        var reference: [String: Int64] = [:]
        // 20,000 names (the table grows several times), lengths 0…40 bytes so every word/tail split is hit;
        // each name is added to three times, spread through the run.
        var names: [String] = [""]
        for index in 0..<20_000 {
            let body = "account:2025-\(index % 13)-\(index)"
            names.append(String(body.prefix(index % 41)) + "#\(index)")
        }
        for round in 0..<3 {
            for (index, name) in names.enumerated() {
                let units = Int64(index * 7 + round)
                Self.add(&table, name, units)
                reference[name, default: 0] += units
            }
        }
        #expect(table.count == reference.count)
        let listed = Self.listed(table)
        #expect(listed.count == reference.count)
        for (name, debit) in listed {
            #expect(debit == MinorUnitSum.render(units: reference[name]!, scale: 2), "\(name)")
        }
        let order = listed.map { Array($0.0.utf8) }
        #expect(order == reference.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func namesThatShareWordsOrDifferOnlyInTheTailStayApart() {
        var table = GroupSumTable()
        let names = ["journal:2025-1-1", "journal:2025-1-10", "journal:2025-1-1\u{0}", "journal:2025-1-", "é", "e"]
        for (index, name) in names.enumerated() { Self.add(&table, name, Int64(index + 1)) }
        Self.add(&table, "journal:2025-1-1", 100)
        let listed = Dictionary(uniqueKeysWithValues: Self.listed(table))
        #expect(listed.count == names.count)
        #expect(listed["journal:2025-1-1"] == "1.01")
        #expect(listed["journal:2025-1-10"] == "0.02")
        #expect(listed["journal:2025-1-1\u{0}"] == "0.03")
        #expect(listed["journal:2025-1-"] == "0.04")
        #expect(listed["é"] == "0.05")
        #expect(listed["e"] == "0.06")
    }

    @Test func anEmptyTableListsNothing() {
        let table = GroupSumTable()
        #expect(table.count == 0)
        #expect(Self.listed(table).isEmpty)
    }
}
