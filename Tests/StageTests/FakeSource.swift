import Extract
import Foundation
import Synchronization

@testable import Stage

/// An in-memory SYSPRO table that honours windows and pages the way a real source does.
final class FakeSource: SourceReader {
    struct Row {
        var keys: [String]
        var rowVersion: String?
        var businessDate: String?
        var amount: String?
        var payload: String
    }

    var rows: [Row]
    var strategy: ChangeStrategy
    var pageSize: Int
    /// Send every row of a rowversion window, ignoring its lower bound (a source that re-sends sealed rows).
    var ignoresRowVersionBound = false
    /// Fail the read with this error after delivering this many pages.
    var failAfterPages: (Int, any Error)?
    private(set) var windows: [ExtractQuery.Window] = []
    /// Pages handed to `onPage` so far, over all reads.
    private(set) var pagesDelivered = 0

    init(rows: [Row], strategy: ChangeStrategy, pageSize: Int = 3) {
        self.rows = rows
        self.strategy = strategy
        self.pageSize = pageSize
    }

    func resolve(_ entry: CatalogEntry, company: String) throws -> ResolvedEntry {
        ResolvedEntry(entry: entry, strategy: strategy, notes: [])
    }

    func read(_ query: ExtractQuery, onPage: ([SourceRow], PageInfo) throws -> Void) throws -> ReadSummary {
        windows.append(query.window)
        var selected: [Row]
        switch query.window {
        case .snapshot:
            selected = rows.sorted { $0.keys.lexicographicallyPrecedes($1.keys) }
        case .rowVersion(let after):
            let bound = ignoresRowVersionBound ? nil : after
            selected = rows.filter { row in bound.map { (row.rowVersion ?? "") > $0 } ?? true }
                .sorted { ($0.rowVersion ?? "") < ($1.rowVersion ?? "") }
        case .businessDate(let from, let through):
            selected = rows.filter { row in
                guard let date = row.businessDate else { return false }
                return date >= from && through.map { date <= $0 } ?? true
            }
            .sorted { ($0.businessDate ?? "", $0.keys.joined()) < ($1.businessDate ?? "", $1.keys.joined()) }
        }
        var summary = ReadSummary(strategy: strategy)
        var index = 0
        var page = 0
        while index < selected.count || (index == 0 && page == 0) {
            if let (limit, error) = failAfterPages, page == limit { throw error }
            let slice = selected[index..<min(index + pageSize, selected.count)]
            let sourceRows = slice.map { row in
                SourceRow(
                    columnsJSON: Array(
                        ("\"Supplier\":\(Self.quoted(row.keys[0])),\"Invoice\":\(Self.quoted(row.keys[1])),"
                            + "\"Payload\":\(Self.quoted(row.payload)),\"Amount\":"
                            + (row.amount.map { "\"\($0)\"" } ?? "null")).utf8
                    ),
                    keyValues: row.keys,
                    rowVersion: row.rowVersion,
                    businessDate: row.businessDate,
                    amounts: [row.amount]
                )
            }
            index += slice.count
            pagesDelivered += 1
            try onPage(
                sourceRows,
                PageInfo(
                    index: page,
                    rowCount: sourceRows.count,
                    byteCount: 0,
                    maxRowVersion: nil,
                    maxBusinessDate: nil,
                    lastKey: slice.last?.keys,
                    isLast: index >= selected.count,
                    retries: 0
                )
            )
            summary.pages += 1
            summary.rows += sourceRows.count
            page += 1
            if slice.isEmpty { break }
        }
        return summary
    }
}

extension FakeSource {
    /// `text` as a JSON string, escaped as the staged format escapes (Stage's own `JSONText`).
    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
