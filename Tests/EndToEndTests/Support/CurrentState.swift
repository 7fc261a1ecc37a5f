import Foundation

/// The simulator's tables and their key columns, from the simulator's own catalog
/// (Sources/syspro-sim/Schema/Catalog.swift), which is written independently of the connector's.
enum SimulatorTables {
    static let keyColumns: [String: [String]] = [
        "ApSupplier": ["Supplier"],
        "ArCustomer": ["Customer"],
        "ApInvoice": ["Supplier", "Invoice"],
        "ArInvoice": ["Customer", "Invoice", "DocumentType"],
        "PorMasterHdr": ["PurchaseOrder"],
        "PorMasterDetail": ["PurchaseOrder", "Line"],
        "GenMaster": ["Company", "GlCode"],
        "GenTransaction": ["GlYear", "GlPeriod", "Journal", "GlLine"],
        "GenJournalCtl": ["GlYear", "GlPeriod", "GlJournal"],
        "GenJournalDetail": ["GlYear", "GlPeriod", "Journal", "EntryNumber"],
        "InvMaster": ["StockCode"],
        "InvWarehouse": ["StockCode", "Warehouse"],
    ]

    static var names: [String] { keyColumns.keys.sorted() }
}

/// The current state of one (company, table): key → row.
///
/// Keys are the key columns' values byte for byte (leading spaces and zeros kept), joined by U+001F.
struct CurrentState {
    var rows: [String: Row]

    static func key(_ row: Row, _ keyColumns: [String]) -> String {
        keyColumns.map { row[$0]?.text ?? "\u{0}NULL" }.joined(separator: "\u{1F}")
    }

    /// The simulator's truth (`/_sim/truth/{company}/{table}`).
    init(truth: [Row], keyColumns: [String]) {
        rows = Dictionary(truth.map { (Self.key($0, keyColumns), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The current state from a raw, append-only table's rows, as the `<table>_current` view defines it: for
    /// each key of `company`, the row with the highest (`_segment`, `_line`); tombstones (`_deleted`) dropped.
    init(raw: [Row], company: String, keyColumns: [String]) throws {
        var latest: [String: (segment: Int, line: Int, row: Row)] = [:]
        for row in raw where row["_company"]?.text == company {
            guard let segment = row["_segment"]?.text.flatMap({ Int($0) }),
                let line = row["_line"]?.text.flatMap({ Int($0) })
            else { throw HarnessError("raw row without _segment/_line: \(row)") }
            let key = Self.key(row, keyColumns)
            if let current = latest[key], (current.segment, current.line) >= (segment, line) { continue }
            latest[key] = (segment, line, row)
        }
        rows = latest.compactMapValues { $0.row["_deleted"] == .bool(true) ? nil : $0.row }
    }

    /// Rows read from a `<table>_current` view (already one per key), restricted to `company`.
    ///
    /// bqemulator stores NUMERIC as DECIMAL(38, 9) and returns `2023.000000000` where BigQuery returns `2023`, so
    /// decimal key values lose trailing fractional zeros here (the rule values follow); string keys such as
    /// `" 00003"` have no fraction and stay byte for byte.
    init(view: [Row], company: String, keyColumns: [String]) {
        let mine = view.filter { $0["_company"]?.text == company }
        rows = Dictionary(
            mine.map { row in
                var keyed = row
                for column in keyColumns {
                    if let text = row[column]?.text, text.contains("."),
                        let normalised = StateDifference.normalisedDecimal(text)
                    {
                        keyed[column] = .string(normalised)
                    }
                }
                return (Self.key(keyed, keyColumns), row)
            },
            uniquingKeysWith: { first, _ in first }
        )
    }
}

/// How the landed current state differs from the simulator's truth.
struct StateDifference: CustomStringConvertible {
    var table: String
    var company: String
    var missingKeys: [String] = []
    var extraKeys: [String] = []
    /// "key column: truth → landed".
    var valueMismatches: [String] = []
    /// Columns the truth has and no landed row carries (the connector's catalog does not extract them).
    var columnsNotLanded: Set<String> = []
    var comparedRows = 0
    var comparedValues = 0

    var isEmpty: Bool { missingKeys.isEmpty && extraKeys.isEmpty && valueMismatches.isEmpty }

    var description: String {
        func show(_ keys: [String]) -> String {
            keys.prefix(5).map { "[" + $0.replacingOccurrences(of: "\u{1F}", with: "|") + "]" }.joined(separator: " ")
        }
        var parts = ["\(company)/\(table): \(comparedRows) rows, \(comparedValues) values compared"]
        if !missingKeys.isEmpty { parts.append("\(missingKeys.count) keys missing in BigQuery: \(show(missingKeys))") }
        if !extraKeys.isEmpty {
            parts.append("\(extraKeys.count) keys in BigQuery but not in SYSPRO: \(show(extraKeys))")
        }
        if !valueMismatches.isEmpty {
            parts.append("\(valueMismatches.count) values differ: " + valueMismatches.prefix(8).joined(separator: "; "))
        }
        return parts.joined(separator: "\n  ")
    }

    /// Compares every column both sides have, row by row.
    ///
    /// Keys must match byte for byte. Values must be equal as text, except that decimals may differ in trailing
    /// fractional zeros only (`1234.50` = `1234.5`; BigQuery NUMERIC does not keep a scale) and a date may come
    /// back as a DATETIME at midnight (`2024-03-31` = `2024-03-31T00:00:00`).
    init(table: String, company: String, truth: CurrentState, landed: CurrentState) {
        self.table = table
        self.company = company
        missingKeys = truth.rows.keys.filter { landed.rows[$0] == nil }.sorted()
        extraKeys = landed.rows.keys.filter { truth.rows[$0] == nil }.sorted()
        var landedColumns = Set<String>()
        for row in landed.rows.values { landedColumns.formUnion(row.keys) }
        for (key, expected) in truth.rows.sorted(by: { $0.key < $1.key }) {
            guard let actual = landed.rows[key] else { continue }
            comparedRows += 1
            for (column, value) in expected.sorted(by: { $0.key < $1.key }) {
                guard landedColumns.contains(column) else {
                    columnsNotLanded.insert(column)
                    continue
                }
                comparedValues += 1
                let got = actual[column] ?? .null
                if !Self.equivalent(value.text, got.text) {
                    valueMismatches.append(
                        "[\(key.replacingOccurrences(of: "\u{1F}", with: "|"))] \(column): \(value) → \(got)"
                    )
                }
            }
        }
    }

    static func equivalent(_ truth: String?, _ landed: String?) -> Bool {
        if truth == landed { return true }
        guard let truth, let landed else { return false }
        if let t = normalisedDecimal(truth), let l = normalisedDecimal(landed) { return t == l }
        if isDate(truth), landed.hasPrefix(truth + "T00:00:00") {
            let rest = landed.dropFirst(truth.count + 9)
            return rest.isEmpty || (rest.first == "." && rest.dropFirst().allSatisfy { $0 == "0" })
        }
        return false
    }

    /// `-12.3400` → `-12.34`, `5.000` → `5`; `nil` when the text is not a plain decimal. Leading zeros are kept.
    static func normalisedDecimal(_ text: String) -> String? {
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return nil }
        guard parts.count == 2 else { return text }
        var fraction = parts[1]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        let sign = text.hasPrefix("-") ? "-" : ""
        return sign + parts[0] + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func isDate(_ text: String) -> Bool {
        let u = Array(text.utf8)
        return u.count == 10 && u[4] == 0x2D && u[7] == 0x2D
            && u.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) }
    }
}
