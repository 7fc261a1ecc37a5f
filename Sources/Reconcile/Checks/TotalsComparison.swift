public import Common

/// The pure comparisons of reconciliation: staged control totals against what BigQuery answered.
///
/// Every function takes plain values (manifest totals, query rows already parsed) and returns findings, so each
/// check is tested with tables of totals and no I/O. Money is compared with `ExactDecimal`: "10.5" equals
/// "10.50", and nothing passes through a binary float.
public enum TotalsComparison {
    /// One segment's rows and sums as the raw table holds them (one copy per staged line).
    public struct LoadedSegment: Sendable, Hashable {
        public var sequence: UInt64
        public var rowCount: Int64
        /// Sum per amount column; `nil` when every value was NULL.
        public var sums: [String: String?]

        public init(sequence: UInt64, rowCount: Int64, sums: [String: String?]) {
            self.sequence = sequence
            self.rowCount = rowCount
            self.sums = sums
        }
    }

    /// Debit and credit of one GL group.
    public struct Sides: Sendable, Hashable {
        public var debit: ExactDecimal
        public var credit: ExactDecimal

        public init(debit: ExactDecimal = .zero, credit: ExactDecimal = .zero) {
            self.debit = debit
            self.credit = credit
        }

        /// Debit and credit from decimal text; NULL or unreadable text counts as zero only when absent.
        public init(debit: String?, credit: String?) {
            self.debit = debit.flatMap { ExactDecimal($0) } ?? .zero
            self.credit = credit.flatMap { ExactDecimal($0) } ?? .zero
        }
    }

    /// Decimal text as a value; NULL is zero. BigQuery and the emulator may write NUMERIC in exponent form
    /// (`0E-9`), which is read exactly by shifting the decimal point.
    static func decimal(_ text: String?) -> ExactDecimal {
        guard let text else { return .zero }
        if let value = ExactDecimal(text) { return value }
        return exponentForm(text) ?? .zero
    }

    /// `1.5E+3` → 1500, `0E-9` → 0; `nil` when the text is not a decimal in exponent form.
    static func exponentForm(_ text: String) -> ExactDecimal? {
        guard let e = text.firstIndex(where: { $0 == "E" || $0 == "e" }),
            let exponent = Int(text[text.index(after: e)...].replacingPlus())
        else { return nil }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative || mantissa.hasPrefix("+") { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        var digits = String(parts[0]) + (parts.count == 2 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        let index = digits.index(digits.startIndex, offsetBy: point)
        let fraction = digits[index...]
        let plain = String(digits[..<index]) + (fraction.isEmpty ? "" : "." + fraction)
        return ExactDecimal((negative ? "-" : "") + plain)
    }

    /// A decimal-valued key part (year, period, journal number) in one canonical spelling, so "2024",
    /// "2024.0" and "2024.000000000" name the same group; text that is not a decimal is kept byte for byte.
    public static func canonicalNumber(_ text: String) -> String {
        guard let value = ExactDecimal(text) ?? exponentForm(text) else { return text }
        var rendered = value.description
        if rendered.contains(".") {
            while rendered.hasSuffix("0") { rendered.removeLast() }
            if rendered.hasSuffix(".") { rendered.removeLast() }
        }
        return rendered == "-0" ? "0" : rendered
    }

    /// An amount for a finding, exact but without the padding a NUMERIC column adds: trailing fractional zeros
    /// beyond two decimals are dropped (`0.050000000` → `0.05`, `3101.700000000` → `3101.70`), and a negative zero
    /// reads as zero. Only the display changes: comparisons are made on the values.
    public static func amountText(_ value: ExactDecimal) -> String {
        var text = value.description
        if let point = text.firstIndex(of: ".") {
            let keep = text.index(point, offsetBy: 3, limitedBy: text.endIndex) ?? text.endIndex
            while text.endIndex > keep, text.hasSuffix("0") { text.removeLast() }
        }
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }
        return text
    }

    /// A group name with its year, period (and journal number) canonical; GL codes are kept as they are.
    public static func canonicalGroup(kind: String, year: String, period: String, code: String) -> String {
        let number = kind == "journal" ? canonicalNumber(code) : code
        return "\(kind):\(canonicalNumber(year))-\(canonicalNumber(period))-\(number)"
    }

    // MARK: - Rows and sums per segment

    /// Compares each staged segment's row count and amount sums with the raw table's.
    ///
    /// Emits, per stream, one row-count finding and one finding per amount column (totals over the selected
    /// segments, failing segments listed), plus one `segment` finding per staged segment absent from BigQuery and
    /// per loaded segment that is not staged.
    public static func segments(
        _ stream: StagedStream,
        loaded: [UInt64: LoadedSegment],
        period: String? = nil
    ) -> [ReconcileFinding] {
        var findings: [ReconcileFinding] = []
        var expectedRows: Int64 = 0
        var foundRows: Int64 = 0
        var rowFailures: [UInt64] = []
        var expectedSums = [String: ExactDecimal]()
        var foundSums = [String: ExactDecimal]()
        var sumFailures = [String: [UInt64]]()
        let staged = Set(stream.segments.map(\.sequence))
        func make(
            _ check: ReconcileFinding.Check,
            _ passed: Bool,
            _ subject: String,
            _ e: String,
            _ f: String,
            _ d: String,
            _ segments: [UInt64]
        ) -> ReconcileFinding {
            ReconcileFinding(
                table: stream.table,
                company: stream.company,
                period: period,
                check: check,
                passed: passed,
                subject: subject,
                expected: e,
                found: f,
                difference: d,
                segments: segments
            )
        }
        for segment in stream.segments.sorted(by: { $0.sequence < $1.sequence }) {
            expectedRows += segment.rowCount
            let copy = loaded[segment.sequence]
            let rows = copy?.rowCount ?? 0
            foundRows += rows
            if copy == nil {
                findings.append(
                    make(
                        .segment,
                        false,
                        "segment \(segment.sequence) not in BigQuery",
                        "\(segment.rowCount) rows",
                        "0 rows",
                        "\(-segment.rowCount)",
                        [segment.sequence]
                    )
                )
            }
            if rows != segment.rowCount { rowFailures.append(segment.sequence) }
            for column in stream.amountColumns {
                let expected = decimal(segment.amounts[column])
                let found = decimal(copy?.sums[column] ?? nil)
                expectedSums[column, default: .zero] += expected
                foundSums[column, default: .zero] += found
                if expected != found { sumFailures[column, default: []].append(segment.sequence) }
            }
        }
        for sequence in loaded.keys.sorted() where !staged.contains(sequence) {
            let extra = loaded[sequence]!
            findings.append(
                make(
                    .segment,
                    false,
                    "segment \(sequence) in BigQuery but not staged",
                    "0 rows",
                    "\(extra.rowCount) rows",
                    "\(extra.rowCount)",
                    [sequence]
                )
            )
        }
        findings.insert(
            make(
                .rowCount,
                rowFailures.isEmpty,
                "rows",
                "\(expectedRows)",
                "\(foundRows)",
                "\(foundRows - expectedRows)",
                rowFailures
            ),
            at: 0
        )
        for (offset, column) in stream.amountColumns.enumerated() {
            let expected = expectedSums[column] ?? .zero
            let found = foundSums[column] ?? .zero
            let failures = sumFailures[column] ?? []
            findings.insert(
                make(
                    .amountSum,
                    failures.isEmpty,
                    column,
                    amountText(expected),
                    amountText(found),
                    amountText(found - expected),
                    failures
                ),
                at: 1 + offset
            )
        }
        return findings
    }

    // MARK: - GL groups

    /// The staged GL groups summed over `segments`, with the segments that hold each group.
    public static func stagedGroups(_ segments: [StagedStream.Segment]) -> [String: (Sides, [UInt64])] {
        var result: [String: (Sides, [UInt64])] = [:]
        for segment in segments {
            for (original, sides) in segment.groups {
                let name = canonicalGroupName(original)
                var entry = result[name] ?? (Sides(), [])
                entry.0.debit += decimal(sides["debit"])
                entry.0.credit += decimal(sides["credit"])
                entry.1.append(segment.sequence)
                result[name] = entry
            }
        }
        return result
    }

    /// `name` with canonical numbers, or `name` itself when it is not a GL group name.
    static func canonicalGroupName(_ name: String) -> String {
        guard let colon = name.firstIndex(of: ":") else { return name }
        let parts = name[name.index(after: colon)...].split(
            separator: "-",
            maxSplits: 2,
            omittingEmptySubsequences: false
        )
        guard parts.count == 3 else { return name }
        return canonicalGroup(
            kind: String(name[..<colon]),
            year: String(parts[0]),
            period: String(parts[1]),
            code: String(parts[2])
        )
    }

    /// Splits a group name (`journal:Y-P-J` / `account:Y-P-CODE`) into kind, `Y-PP` period and code.
    public static func parseGroup(_ name: String) -> (kind: String, period: String, code: String)? {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        let kind = String(name[..<colon])
        let rest = name[name.index(after: colon)...]
        let parts = rest.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return (kind, period(year: String(parts[0]), period: String(parts[1])), String(parts[2]))
    }

    /// `YYYY-PP` from SYSPRO's decimal year and period text.
    public static func period(year: String, period: String) -> String {
        let digits = period.count == 1 ? "0" + period : period
        return "\(year)-\(digits)"
    }

    /// Compares staged GL group totals with the same groups summed over the raw postings, per period and kind.
    /// A group in only one side counts as zero on the other.
    public static func glGroups(
        table: String,
        company: String,
        staged: [String: (Sides, [UInt64])],
        loaded: [String: Sides],
        periods: Set<String>? = nil
    ) -> [ReconcileFinding] {
        var findings: [ReconcileFinding] = []
        var summary: [String: (expected: ExactDecimal, found: ExactDecimal, failures: [UInt64], passed: Bool)] = [:]
        for name in Set(staged.keys).union(loaded.keys).sorted() {
            guard let group = parseGroup(name) else { continue }
            if let periods, !periods.contains(group.period) { continue }
            let expected = staged[name]?.0 ?? Sides()
            let found = loaded[name] ?? Sides()
            let segments = staged[name]?.1 ?? []
            let label = "\(group.period) \(group.kind)"
            var entry = summary[label] ?? (.zero, .zero, [], true)
            entry.expected += expected.debit + expected.credit
            entry.found += found.debit + found.credit
            for (side, e, f) in [("debit", expected.debit, found.debit), ("credit", expected.credit, found.credit)]
            where e != f {
                entry.passed = false
                entry.failures += segments
                findings.append(
                    ReconcileFinding(
                        table: table,
                        company: company,
                        period: group.period,
                        check: .glGroups,
                        passed: false,
                        subject: "\(group.kind) \(group.code) \(side)",
                        expected: amountText(e),
                        found: amountText(f),
                        difference: amountText(f - e),
                        segments: segments,
                        key: group.kind == "account" ? group.code : nil
                    )
                )
            }
            summary[label] = entry
        }
        for label in summary.keys.sorted() {
            let entry = summary[label]!
            let parts = label.split(separator: " ")
            findings.append(
                ReconcileFinding(
                    table: table,
                    company: company,
                    period: String(parts[0]),
                    check: .glGroups,
                    passed: entry.passed,
                    subject: "\(parts[1]) debit+credit",
                    expected: amountText(entry.expected),
                    found: amountText(entry.found),
                    difference: amountText(entry.found - entry.expected),
                    segments: Array(Set(entry.failures)).sorted()
                )
            )
        }
        return findings
    }

    /// Proves every journal balances: debit = credit per journal, in one source ("staged" or "BigQuery").
    /// Emits one finding per period, plus one per unbalanced journal naming it and the difference.
    public static func journalBalance(
        table: String,
        company: String,
        source: String,
        journals: [String: (Sides, [UInt64])],
        periods: Set<String>? = nil
    ) -> [ReconcileFinding] {
        var findings: [ReconcileFinding] = []
        var perPeriod: [String: (count: Int, unbalanced: Int, segments: [UInt64])] = [:]
        for name in journals.keys.sorted() {
            guard let group = parseGroup(name), group.kind == "journal" else { continue }
            if let periods, !periods.contains(group.period) { continue }
            let (sides, segments) = journals[name]!
            var entry = perPeriod[group.period] ?? (0, 0, [])
            entry.count += 1
            if sides.debit != sides.credit {
                entry.unbalanced += 1
                entry.segments += segments
                findings.append(
                    ReconcileFinding(
                        table: table,
                        company: company,
                        period: group.period,
                        check: .journalBalance,
                        passed: false,
                        subject: "\(source) journal \(group.code) debit vs credit",
                        expected: amountText(sides.debit),
                        found: amountText(sides.credit),
                        difference: amountText(sides.credit - sides.debit),
                        segments: segments,
                        key: group.code
                    )
                )
            }
            perPeriod[group.period] = entry
        }
        for period in perPeriod.keys.sorted() {
            let entry = perPeriod[period]!
            findings.append(
                ReconcileFinding(
                    table: table,
                    company: company,
                    period: period,
                    check: .journalBalance,
                    passed: entry.unbalanced == 0,
                    subject: "\(source) journals balanced",
                    expected: "\(entry.count)",
                    found: "\(entry.count - entry.unbalanced)",
                    difference: "\(-entry.unbalanced)",
                    segments: Array(Set(entry.segments)).sorted()
                )
            )
        }
        return findings
    }

    /// Compares the trial balance view with the staged account totals per (period, account).
    public static func trialBalance(
        table: String,
        company: String,
        staged: [String: (Sides, [UInt64])],
        view: [String: Sides],
        periods: Set<String>? = nil
    ) -> [ReconcileFinding] {
        let accounts = staged.filter { $0.key.hasPrefix("account:") }
        var findings = glGroups(table: table, company: company, staged: accounts, loaded: view, periods: periods)
        for index in findings.indices { findings[index].check = .trialBalance }
        return findings
    }

    /// One finding per duplicated key in a current-state view, or one passing finding when there is none.
    public static func duplicateKeys(
        table: String,
        company: String,
        duplicates: [(key: [String?], copies: Int64)]
    ) -> [ReconcileFinding] {
        guard !duplicates.isEmpty else {
            return [
                ReconcileFinding(
                    table: table,
                    company: company,
                    check: .duplicateKey,
                    passed: true,
                    subject: "\(table)_current",
                    expected: "0",
                    found: "0",
                    difference: "0"
                )
            ]
        }
        return duplicates.map { entry in
            ReconcileFinding(
                table: table,
                company: company,
                check: .duplicateKey,
                passed: false,
                subject: "\(table)_current key occurs \(entry.copies) times",
                expected: "1",
                found: "\(entry.copies)",
                difference: "\(entry.copies - 1)",
                key: entry.key.map { $0 ?? "NULL" }.joined(separator: "|")
            )
        }
    }
}

extension Substring {
    /// Drops a leading '+' (Int() refuses "+3" on some platforms' spellings of exponents).
    fileprivate func replacingPlus() -> Substring { first == "+" ? dropFirst() : self }
}
