/// The audit report as one self-contained HTML page: inline CSS, an inline SVG chart, no scripts, no external
/// assets, so it opens offline and can be attached to an audit file as is.
extension AuditReport {
    /// Escapes text for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#1d2733}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d5dbe3}
        table{border-collapse:collapse;font-size:13px;margin-bottom:8px}
        th,td{border:1px solid #d5dbe3;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#eef2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .pass{color:#16794c;font-weight:600}.fail{color:#b42318;font-weight:600}.muted{color:#667085}
        .badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
        .badge.pass{background:#16794c}.badge.fail{background:#b42318}
        """

    /// The whole page.
    public func renderHTML() -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<title>syspro-bq audit report</title><style>\(Self.style)</style></head><body>\n"
        html += "<h1>syspro-bq audit report</h1><p class=\"muted\">Generated \(Self.escape(generatedAt))</p>\n"
        html += summarySection() + chartSection() + daysSection() + reconciliationSection() + evidenceSection()
        html += quarantineSection()
        html += "</body></html>\n"
        return html
    }

    private func badge(_ passed: Bool, _ yes: String, _ no: String) -> String {
        "<span class=\"badge \(passed ? "pass" : "fail")\">\(passed ? yes : no)</span>"
    }

    private func summarySection() -> String {
        let extracted = days.reduce(Int64(0)) { $0 + $1.extracted }
        let loaded = days.reduce(Int64(0)) { $0 + $1.loaded }
        var html = "<h2>Summary</h2><table>"
        html += "<tr><th>Rows extracted</th><td class=\"num\">\(extracted)</td></tr>"
        html += "<tr><th>Rows loaded (journal)</th><td class=\"num\">\(loaded)</td></tr>"
        if days.contains(where: { $0.inBigQuery != nil }) {
            let present = days.reduce(Int64(0)) { $0 + ($1.inBigQuery ?? 0) }
            html += "<tr><th>Rows present in BigQuery</th><td class=\"num\">\(present)</td></tr>"
        }
        html += "<tr><th>Control totals</th><td>"
        if let reconciliation {
            html +=
                badge(reconciliation.passed, "RECONCILED", "DIFFERENCES FOUND")
                + " \(reconciliation.findings.count - reconciliation.failures.count) of "
                + "\(reconciliation.findings.count) checks passed"
        } else {
            html += "<span class=\"muted\">not reconciled against BigQuery in this report</span>"
        }
        html += "</td></tr><tr><th>Evidence chain</th><td>"
        html += badge(evidenceClean, "INTACT", "DAMAGED") + " \(evidenceSegments) segment(s) verified</td></tr>"
        html += "<tr><th>Quarantined rows</th><td class=\"num\">\(quarantined.count)</td></tr></table>\n"
        return html
    }

    /// Rows per day: extracted and, when known, present in BigQuery, as grouped bars.
    private func chartSection() -> String {
        var perDay: [String: (extracted: Int64, present: Int64)] = [:]
        for day in days {
            var entry = perDay[day.day] ?? (0, 0)
            entry.extracted += day.extracted
            entry.present += day.inBigQuery ?? 0
            perDay[day.day] = entry
        }
        let dates = perDay.keys.sorted()
        let html = "<h2>Rows per day</h2>\n"
        guard !dates.isEmpty else { return html + "<p class=\"muted\">No sealed segments.</p>\n" }
        let showPresent = days.contains { $0.inBigQuery != nil }
        let maximum = max(1, perDay.values.map { max($0.extracted, $0.present) }.max() ?? 1)
        let height = 320
        let left = 70
        let bottom = 60
        let plotTop = 36  // room for the legend and the value labels above full-height bars
        let plotHeight = height - bottom - plotTop
        // Up to 900 px wide; a few days get slots of at most 120 px (not bars hundreds of pixels wide), in a plot
        // at least 360 px wide.
        let slot = min(120, max(8, (900 - left - 20) / dates.count))
        let width = left + 20 + max(360, slot * dates.count)
        let bar = min(40, max(3, (slot - 6) / (showPresent ? 2 : 1)))
        let group = bar * (showPresent ? 2 : 1)
        let labelValues = dates.count <= 12
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        svg += "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Rows per day\">"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>"
        for tick in 0...4 {
            let value = maximum * Int64(tick) / 4
            let y = plotTop + plotHeight - Int(Int64(plotHeight) * Int64(tick) / 4)
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 10)\" y2=\"\(y)\" stroke=\"#e4e7ec\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#475467\">"
            svg += "\(value)</text>"
        }
        for (index, date) in dates.enumerated() {
            let entry = perDay[date]!
            let x = left + index * slot + (slot - group) / 2
            let extractedHeight = Int(Int64(plotHeight) * entry.extracted / maximum)
            svg += "<rect x=\"\(x)\" y=\"\(plotTop + plotHeight - extractedHeight)\" width=\"\(bar)\" "
            svg += "height=\"\(extractedHeight)\" fill=\"#2e6fdb\"><title>\(date): \(entry.extracted) extracted"
            svg += "</title></rect>"
            if labelValues {
                svg += valueLabel(entry.extracted, x: x + bar / 2, top: plotTop + plotHeight - extractedHeight)
            }
            if showPresent {
                let presentHeight = Int(Int64(plotHeight) * entry.present / maximum)
                svg += "<rect x=\"\(x + bar)\" y=\"\(plotTop + plotHeight - presentHeight)\" width=\"\(bar)\" "
                svg += "height=\"\(presentHeight)\" fill=\"#16a34a\"><title>\(date): \(entry.present) in BigQuery"
                svg += "</title></rect>"
                if labelValues {
                    svg += valueLabel(entry.present, x: x + bar + bar / 2, top: plotTop + plotHeight - presentHeight)
                }
            }
            if dates.count <= 31 || index % max(1, dates.count / 31) == 0 {
                let labelX = x + group / 2 - 8
                svg += "<text x=\"\(labelX)\" y=\"\(height - bottom + 14)\" font-size=\"10\" fill=\"#475467\" "
                svg += "transform=\"rotate(45 \(labelX) \(height - bottom + 14))\">\(date)</text>"
            }
        }
        svg +=
            "<line x1=\"\(left)\" y1=\"\(plotTop + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(plotTop + plotHeight)\" "
        svg += "stroke=\"#98a2b3\"/>"
        svg += "<rect x=\"\(left + 10)\" y=\"4\" width=\"10\" height=\"10\" fill=\"#2e6fdb\"/>"
        svg += "<text x=\"\(left + 24)\" y=\"13\" font-size=\"11\">extracted</text>"
        if showPresent {
            svg += "<rect x=\"\(left + 100)\" y=\"4\" width=\"10\" height=\"10\" fill=\"#16a34a\"/>"
            svg += "<text x=\"\(left + 114)\" y=\"13\" font-size=\"11\">present in BigQuery</text>"
        }
        svg += "</svg>"
        return html + svg + "\n"
    }

    /// A count written just above a bar (in the plot's top margin when the bar is full height).
    private func valueLabel(_ value: Int64, x: Int, top: Int) -> String {
        "<text x=\"\(x)\" y=\"\(top - 4)\" font-size=\"10\" text-anchor=\"middle\" fill=\"#344054\">"
            + "\(value)</text>"
    }

    private func daysSection() -> String {
        var html = "<h2>Rows per table and day</h2><table><tr><th>Table</th><th>Company</th><th>Day</th>"
        html += "<th>Segments</th><th>Extracted</th><th>Loaded</th><th>In BigQuery</th><th>Status</th></tr>\n"
        for day in days {
            let complete = day.loaded == day.extracted && (day.inBigQuery.map { $0 == day.extracted } ?? true)
            html += "<tr><td>\(Self.escape(day.table))</td><td>\(Self.escape(day.company))</td>"
            html += "<td>\(Self.escape(day.day))</td><td class=\"num\">\(day.segments)</td>"
            html += "<td class=\"num\">\(day.extracted)</td><td class=\"num\">\(day.loaded)</td>"
            html += "<td class=\"num\">\(day.inBigQuery.map(String.init) ?? "–")</td>"
            html += "<td class=\"\(complete ? "pass" : "fail")\">\(complete ? "complete" : "incomplete")</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func reconciliationSection() -> String {
        var html = "<h2>Control totals</h2>\n"
        guard let reconciliation else {
            return html + "<p class=\"muted\">BigQuery was not queried; run with credentials to reconcile.</p>\n"
        }
        html += checksSummary(reconciliation)
        html += "<table><tr><th>Status</th><th>Table</th><th>Company</th><th>Period</th><th>Check</th>"
        html += "<th>Subject</th><th>Expected</th><th>Found</th><th>Difference</th><th>Key</th><th>Segments</th></tr>\n"
        // Failures first, so a long list of passing periods cannot hide them.
        let ordered = reconciliation.failures + reconciliation.findings.filter(\.passed)
        for finding in ordered {
            html += "<tr><td class=\"\(finding.passed ? "pass" : "fail")\">\(finding.passed ? "PASS" : "FAIL")</td>"
            for cell in [finding.table, finding.company, finding.period ?? "", finding.check.rawValue, finding.subject]
            {
                html += "<td>\(Self.escape(cell))</td>"
            }
            for cell in [finding.expected, finding.found, finding.difference] {
                html += "<td class=\"num\">\(Self.escape(cell))</td>"
            }
            html += "<td>\(Self.escape(finding.key.map { "'\($0)'" } ?? ""))</td>"
            html += "<td>\(Self.escape(ReconcileReport.segmentList(finding.segments)))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// One line per kind of check: how many passed and failed, and over which tables.
    private func checksSummary(_ reconciliation: ReconcileReport) -> String {
        var html = "<table><tr><th>Check</th><th>Passed</th><th>Failed</th><th>Tables</th></tr>\n"
        for check in ReconcileFinding.Check.allCases {
            let findings = reconciliation.findings.filter { $0.check == check }
            guard !findings.isEmpty else { continue }
            let failed = findings.filter { !$0.passed }.count
            let tables = Set(findings.map(\.table)).sorted().joined(separator: ", ")
            html += "<tr><td>\(check.rawValue)</td><td class=\"num pass\">\(findings.count - failed)</td>"
            html += "<td class=\"num\(failed > 0 ? " fail" : "")\">\(failed)</td><td>\(Self.escape(tables))</td></tr>\n"
        }
        return html + "</table>\n<p class=\"muted\">Every finding, failures first:</p>\n"
    }

    private func evidenceSection() -> String {
        var html = "<h2>Evidence chain</h2><p>" + badge(evidenceClean, "INTACT", "DAMAGED")
        html += " LogVerifier checked \(evidenceSegments) segment(s) and their manifests' checksum chain.</p>\n"
        if !evidenceFindings.isEmpty {
            html += "<ul>" + evidenceFindings.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return html
    }

    private func quarantineSection() -> String {
        var html = "<h2>Quarantined rows</h2>\n"
        guard !quarantined.isEmpty else { return html + "<p class=\"muted\">None.</p>\n" }
        html += "<table><tr><th>Stream</th><th>Segment</th><th>Row</th><th>Reason</th></tr>\n"
        for row in quarantined {
            html += "<tr><td>\(Self.escape(row.stream))</td><td class=\"num\">\(row.segment)</td>"
            html += "<td class=\"num\">\(row.row)</td><td>\(Self.escape(row.reason))</td></tr>\n"
        }
        return html + "</table>\n"
    }
}
