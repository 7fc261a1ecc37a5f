import Foundation

/// The outcome of a reconciliation: every finding, passed and failed, in the order checked.
///
/// Value type, `Sendable`.
public struct ReconcileReport: Sendable, Hashable {
    public var scope: ReconcileScope
    public var findings: [ReconcileFinding] = []
    /// Distinct staged lines BigQuery holds per segment, by `company/table` (for the audit report).
    public var bigQueryRows: [String: [UInt64: Int64]] = [:]

    public init(scope: ReconcileScope, findings: [ReconcileFinding] = []) {
        self.scope = scope
        self.findings = findings
    }

    /// Whether every check passed (and at least one ran).
    public var passed: Bool { !findings.isEmpty && findings.allSatisfy(\.passed) }

    /// The failed findings.
    public var failures: [ReconcileFinding] { findings.filter { !$0.passed } }

    /// A fixed-width pass/fail table, failures with their difference, key and segments.
    public func renderTable() -> String {
        let header = [
            "STATUS", "TABLE", "COMPANY", "PERIOD", "CHECK", "SUBJECT", "EXPECTED", "FOUND", "DIFF",
            "KEY", "SEGMENTS",
        ]
        var rows = [header]
        for finding in findings {
            rows.append([
                finding.passed ? "PASS" : "FAIL", finding.table, finding.company, finding.period ?? "-",
                finding.check.rawValue, finding.subject, finding.expected, finding.found, finding.difference,
                finding.key.map { "'\($0)'" } ?? "-",
                finding.segments.isEmpty ? "-" : Self.segmentList(finding.segments),
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var out = rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let failed = failures.count
        out.append(
            failed == 0
                ? (findings.isEmpty
                    ? "nothing to reconcile: no staged segment in scope"
                    : "reconciled: \(findings.count) check(s) passed")
                : "NOT reconciled: \(failed) of \(findings.count) check(s) failed"
        )
        return out.joined(separator: "\n") + "\n"
    }

    /// Segment numbers, runs collapsed (`3-5,9`), at most 20 shown.
    static func segmentList(_ segments: [UInt64]) -> String {
        let sorted = Array(Set(segments)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.count > 20 ? parts.prefix(20).joined(separator: ",") + ",…" : parts.joined(separator: ",")
    }

    /// `{"passed": bool, "checks": n, "failed": n, "findings": [...]}`, keys sorted, amounts as strings.
    public func renderJSON() throws -> String {
        struct Document: Encodable {
            let passed: Bool
            let checks: Int
            let failed: Int
            let findings: [ReconcileFinding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(
            Document(passed: passed, checks: findings.count, failed: failures.count, findings: findings)
        )
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
