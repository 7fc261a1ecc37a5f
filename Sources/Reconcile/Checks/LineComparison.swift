import Common

/// Finds the rows behind a segment whose count or sums differ: each staged line (read back from the sealed
/// segment) against the copy BigQuery holds, by line number.
///
/// Pure; the caller reads both sides. Value types, `Sendable`.
public enum LineComparison {
    /// One row: its line number, key values and amount texts (by amount column).
    public struct Line: Sendable, Hashable {
        public var line: Int64
        public var key: [String?]
        public var amounts: [String: String?]

        public init(line: Int64, key: [String?], amounts: [String: String?]) {
            self.line = line
            self.key = key
            self.amounts = amounts
        }
    }

    /// Findings for lines missing from BigQuery, present but not staged, or with a different amount.
    public static func differences(
        table: String,
        company: String,
        segment: UInt64,
        amountColumns: [String],
        staged: [Line],
        loaded: [Line]
    ) -> [ReconcileFinding] {
        let byLine = Dictionary(loaded.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        let stagedLines = Set(staged.map(\.line))
        var findings: [ReconcileFinding] = []
        func keyText(_ key: [String?]) -> String { key.map { $0 ?? "NULL" }.joined(separator: "|") }
        for line in staged {
            guard let copy = byLine[line.line] else {
                findings.append(
                    ReconcileFinding(
                        table: table,
                        company: company,
                        check: .rowCount,
                        passed: false,
                        subject: "segment \(segment) line \(line.line) missing from BigQuery",
                        expected: "1",
                        found: "0",
                        difference: "-1",
                        segments: [segment],
                        key: keyText(line.key)
                    )
                )
                continue
            }
            for column in amountColumns {
                let expected = TotalsComparison.decimal(line.amounts[column] ?? nil)
                let found = TotalsComparison.decimal(copy.amounts[column] ?? nil)
                guard expected != found else { continue }
                findings.append(
                    ReconcileFinding(
                        table: table,
                        company: company,
                        check: .amountSum,
                        passed: false,
                        subject: "\(column) of segment \(segment) line \(line.line)",
                        expected: TotalsComparison.amountText(expected),
                        found: TotalsComparison.amountText(found),
                        difference: TotalsComparison.amountText(found - expected),
                        segments: [segment],
                        key: keyText(line.key)
                    )
                )
            }
        }
        for copy in loaded where !stagedLines.contains(copy.line) {
            findings.append(
                ReconcileFinding(
                    table: table,
                    company: company,
                    check: .rowCount,
                    passed: false,
                    subject: "segment \(segment) line \(copy.line) in BigQuery but not staged",
                    expected: "0",
                    found: "1",
                    difference: "1",
                    segments: [segment],
                    key: keyText(copy.key)
                )
            )
        }
        return findings
    }
}
