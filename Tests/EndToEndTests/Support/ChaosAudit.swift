import Foundation

/// The checks after a chaos run's final extract and load, each finding written as one violation line:
///
/// 1. every current-state view (latest raw row per (`_company`, keys) by `_segment DESC, _line DESC`, tombstones
///    dropped) equals the simulator's truth, every value byte for byte (decimals and keys included);
/// 2. `syspro-bq verify` exits 0: every sealed segment verifies and every chain is intact;
/// 3. the journal accounts for every staged row of every sealed segment (acknowledged or quarantined, and a
///    `segmentLoaded` with the manifest's row count), and names no segment that was never sealed;
/// 4. every raw row in BigQuery is a staged row, field for field, and every acknowledged row is there;
/// 5. no row has more raw copies than the journal allows: a row may be sent by every load that started before its
///    first acknowledgement (once, plus once per BigQuery fault that load met) and again for each further
///    acknowledgement; a copy sent after it was acknowledged is a violation.
///
/// Not thread-safe.
struct ChaosAudit {
    struct Figures {
        var tables = 0
        var streams = 0
        var truthRows = 0
        var comparedValues = 0
        var segments = 0
        var stagedRows = 0
        var tombstones = 0
        var quarantinedRows = 0
        var rawRows = 0
        /// Raw copies beyond the first, over all rows.
        var duplicates = 0
        /// The most copies of any one row, and what the journal allowed it.
        var mostCopies = 0
        var rowsAcknowledgedTwice = 0
        var tornJournalLines = 0
        var verifyStatus: Int32 = -1
    }

    let rig: Rig
    /// Every load process of the run (the final one included), in start order.
    let loads: [ChaosProcessRecord]
    private(set) var figures = Figures()
    private(set) var violations: [String] = []

    init(rig: Rig, loads: [ChaosProcessRecord]) {
        self.rig = rig
        self.loads = loads.sorted { $0.started < $1.started }
    }

    mutating func check() throws {
        let verify = try rig.command(["verify"], timeout: 600)
        figures.verifyStatus = verify.status
        if verify.status != 0 || verify.signalled {
            violations.append("verify exited \(verify.status): \(verify.combined.suffix(2_000))")
        }
        for table in SimulatorTables.names {
            figures.tables += 1
            let raw = try rig.fakeRows(table)
            figures.rawRows += raw.count
            for company in rig.options.companies {
                figures.streams += 1
                try checkCurrentState(table: table, company: company, raw: raw)
                try checkStream(table: table, company: company, raw: raw.filter { $0["_company"]?.text == company })
            }
        }
    }

    // MARK: 1. Current state

    private mutating func checkCurrentState(table: String, company: String, raw: [Row]) throws {
        let keys = SimulatorTables.keyColumns[table]!
        let truth = CurrentState(truth: try rig.truth(company, table), keyColumns: keys)
        let landed = try CurrentState(raw: raw, company: company, keyColumns: keys)
        figures.truthRows += truth.rows.count
        let missing = truth.rows.keys.filter { landed.rows[$0] == nil }.sorted()
        let extra = landed.rows.keys.filter { truth.rows[$0] == nil }.sorted()
        var mismatches: [String] = []
        for (key, expected) in truth.rows.sorted(by: { $0.key < $1.key }) {
            guard let actual = landed.rows[key] else { continue }
            for (column, value) in expected.sorted(by: { $0.key < $1.key }) where actual[column] != nil {
                figures.comparedValues += 1
                if value.text != actual[column]?.text {
                    mismatches.append("[\(Self.show(key))] \(column): \(value) → \(actual[column] ?? .null)")
                }
            }
        }
        let stream = "\(company)/\(table)"
        if !missing.isEmpty {
            violations.append(
                "\(stream): \(missing.count) keys of SYSPRO missing from the current view: "
                    + missing.prefix(5).map { "[\(Self.show($0))]" }.joined(separator: " ")
            )
        }
        if !extra.isEmpty {
            violations.append(
                "\(stream): \(extra.count) keys in the current view that SYSPRO does not have: "
                    + extra.prefix(5).map { "[\(Self.show($0))]" }.joined(separator: " ")
            )
        }
        if !mismatches.isEmpty {
            violations.append(
                "\(stream): \(mismatches.count) values differ from SYSPRO: "
                    + mismatches.prefix(8).joined(separator: "; ")
            )
        }
    }

    // MARK: 3-5. Journal, raw rows, duplicates

    private mutating func checkStream(table: String, company: String, raw: [Row]) throws {
        let name = "\(company)/\(table)"
        let directory = rig.run.appendingPathComponent("staging/\(company)/\(table)")
        let stream = try StagedStream(directory: directory, company: company, table: table)
        figures.segments += stream.rowCounts.count
        figures.tornJournalLines += stream.unreadableLines

        // The staged rows, by (segment, line).
        var staged: [Int: [Row]] = [:]
        for row in try rig.stagedRows(company, table) {
            guard let seq = row["_segment"]?.text.flatMap({ Int($0) }) else {
                violations.append("\(name): a staged row without _segment")
                continue
            }
            staged[seq, default: []].append(row)
        }
        for (seq, count) in stream.rowCounts.sorted(by: { $0.key < $1.key }) {
            let rows = staged[seq] ?? []
            figures.stagedRows += rows.count
            figures.tombstones += rows.filter { $0["_deleted"] == .bool(true) }.count
            if rows.count != count {
                violations.append("\(name): segment \(seq) holds \(rows.count) rows, its manifest says \(count)")
            }
            for (index, row) in rows.enumerated() where row["_line"]?.text != String(index) {
                violations.append("\(name): segment \(seq) line \(index) carries _line \(row["_line"] ?? .null)")
                break
            }
        }

        // 3. The journal accounts for every row of every sealed segment, and only of sealed segments.
        var ackCount: [Int: [Int]] = [:]
        var firstAck: [Int: [Date?]] = [:]
        for seq in stream.rowCounts.keys {
            ackCount[seq] = Array(repeating: 0, count: stream.rowCounts[seq]!)
            firstAck[seq] = Array(repeating: nil, count: stream.rowCounts[seq]!)
        }
        for ack in stream.acks {
            guard let count = stream.rowCounts[ack.seq], ack.rows.lowerBound >= 0, ack.rows.upperBound <= count else {
                violations.append(
                    "\(name): the journal acknowledges rows \(ack.rows) of segment \(ack.seq), which is not sealed "
                        + "with that many rows (a load read beyond what was sealed)"
                )
                continue
            }
            for row in ack.rows {
                ackCount[ack.seq]![row] += 1
                if firstAck[ack.seq]![row].map({ ack.at < $0 }) ?? true { firstAck[ack.seq]![row] = ack.at }
            }
        }
        for (seq, rows) in stream.quarantined where stream.rowCounts[seq] == nil {
            violations.append("\(name): the journal quarantines rows \(rows.sorted()) of unsealed segment \(seq)")
        }
        for seq in stream.loaded.keys where stream.rowCounts[seq] == nil {
            violations.append("\(name): the journal marks segment \(seq) loaded, which is not sealed")
        }
        for (seq, count) in stream.rowCounts.sorted(by: { $0.key < $1.key }) {
            let quarantined = stream.quarantined[seq] ?? []
            figures.quarantinedRows += quarantined.count
            let unaccounted = (0..<count).filter { ackCount[seq]![$0] == 0 && !quarantined.contains($0) }
            if !unaccounted.isEmpty {
                violations.append(
                    "\(name): segment \(seq): \(unaccounted.count) of \(count) rows neither acknowledged nor "
                        + "quarantined in the journal (first: line \(unaccounted[0]))"
                )
            }
            if !(stream.loaded[seq] ?? []).contains(count) {
                violations.append("\(name): segment \(seq) has no segmentLoaded record for its \(count) rows")
            }
            figures.rowsAcknowledgedTwice += ackCount[seq]!.filter { $0 > 1 }.count
        }

        // 4 and 5. Raw rows: staged rows only, field for field; acknowledged rows all present; copies bounded.
        var copies: [Int: [Int]] = [:]
        for seq in stream.rowCounts.keys { copies[seq] = Array(repeating: 0, count: stream.rowCounts[seq]!) }
        var altered: [String] = []
        for row in raw {
            guard let seq = row["_segment"]?.text.flatMap({ Int($0) }),
                let line = row["_line"]?.text.flatMap({ Int($0) }),
                let original = staged[seq].flatMap({ line >= 0 && line < $0.count ? $0[line] : nil })
            else {
                altered.append("a raw row that was never staged: \(row["_segment"] ?? .null)/\(row["_line"] ?? .null)")
                continue
            }
            copies[seq]![line] += 1
            let differing = Set(original.keys).union(row.keys).filter { original[$0]?.text != row[$0]?.text }
            if !differing.isEmpty {
                altered.append("segment \(seq) line \(line): \(differing.sorted().prefix(4).joined(separator: ","))")
            }
        }
        if !altered.isEmpty {
            violations.append(
                "\(name): \(altered.count) raw rows differ from what was staged: "
                    + altered.prefix(5).joined(separator: "; ")
            )
        }
        var lost: [String] = []
        var excessive: [String] = []
        for (seq, counts) in copies.sorted(by: { $0.key < $1.key }) {
            let quarantined = stream.quarantined[seq] ?? []
            for (line, count) in counts.enumerated() {
                figures.duplicates += max(0, count - 1)
                figures.mostCopies = max(figures.mostCopies, count)
                if count == 0 && !quarantined.contains(line) { lost.append("\(seq)/\(line)") }
                let acknowledged = ackCount[seq]![line]
                guard count > 1, acknowledged > 0, let first = firstAck[seq]![line] else { continue }
                let allowed = (acknowledged - 1) + sendsPossible(before: first)
                if count > allowed {
                    excessive.append("\(seq)/\(line): \(count) copies, the journal allows \(allowed)")
                }
            }
        }
        if !lost.isEmpty {
            violations.append(
                "\(name): \(lost.count) staged rows are not in BigQuery: " + lost.prefix(8).joined(separator: " ")
            )
        }
        if !excessive.isEmpty {
            violations.append(
                "\(name): \(excessive.count) rows have more raw copies than the journal allows (resent after "
                    + "acknowledgement): " + excessive.prefix(5).joined(separator: "; ")
            )
        }
    }

    /// How many times loads that started by `time` could have sent one row: once each, plus once per BigQuery fault
    /// each met (a fault can make a load resend a batch BigQuery kept).
    private func sendsPossible(before time: Date) -> Int {
        let cutoff = time.addingTimeInterval(0.002)
        return loads.prefix { $0.started <= cutoff }.reduce(0) { $0 + 1 + $1.bigQueryFaults }
    }

    private static func show(_ key: String) -> String { key.replacingOccurrences(of: "\u{1F}", with: "|") }
}
