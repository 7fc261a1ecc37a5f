import Common
public import Foundation

extension RunSummary {
    /// The summary as one line for people, e.g.
    /// `syspro-bq extract succeeded in 12.4s: 3 streams, 12,345 rows (12 tombstones), 5 segments, 0 retries,
    /// 0 errors (run …)`. The tombstone count is shown when an extract stream took part.
    public var oneLine: String {
        let totals = totals
        let outcomeText: String
        switch outcome {
        case .succeeded: outcomeText = "succeeded"
        case .succeededWithQuarantine:
            outcomeText = "finished with \(Self.count(totals.quarantinedRows, "quarantined row"))"
        case .failed: outcomeText = "failed"
        case .interrupted: outcomeText = "was interrupted"
        }
        var line = "syspro-bq \(command) \(outcomeText) in \(Self.duration(elapsedSeconds)): "
        var rows = Self.count(totals.rows, "row")
        if streams.contains(where: { $0.tombstones != nil }) {
            rows += " (\(Self.count(totals.tombstones, "tombstone")))"
        }
        line += [
            Self.count(streams.count, "stream"), rows, Self.count(totals.segments, "segment"),
            Self.count(totals.retries, "retry", plural: "retries"), Self.count(totals.errors, "error"),
        ]
        .joined(separator: ", ")
        line += " (run \(runID))"
        if let error {
            let firstLine = error.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? error
            line += ": " + (firstLine.count > 200 ? String(firstLine.prefix(197)) + "..." : firstLine)
        }
        return line
    }

    /// The summary as one line of JSON (no trailing newline).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.rfc3339(date))
        }
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a summary written by ``jsonLine()``.
    public static func decode(jsonLine: String) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "bad timestamp \(text)")
                )
            }
            return date
        }
        return try decoder.decode(RunSummary.self, from: Data(jsonLine.utf8))
    }

    /// `1,234` style grouping, independent of the locale.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func count(_ value: Int, _ singular: String, plural: String? = nil) -> String {
        "\(grouped(value)) \(value == 1 ? singular : plural ?? singular + "s")"
    }

    /// `850ms`, `12.4s`, `3m05s`, `2h04m`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }
}

/// Run ids: `20261127T150000Z-4f2a9c` (the UTC start time and 6 random hex digits), as in the row contract.
public enum RunID {
    public static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFF_FFFF, radix: 16)
        return Timestamp.compact(date) + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }
}
