import Foundation

/// Metrics for node_exporter's textfile collector, updated after each run.
///
/// Counters (`*_total`) accumulate across runs: the previous file is read back and this run's counts are added,
/// so `rate()` and `increase()` work; if the file is lost, Prometheus sees an ordinary counter reset. Gauges are
/// replaced. Extract and load runs update their own series in the same file, so the writer is called under the
/// metrics lock (see `RunLock`) and the file is replaced atomically.
///
/// Format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
public enum PrometheusTextfile {
    /// A metric family: name, type, help.
    struct Family {
        var name: String
        var type: String
        var help: String
    }

    /// Every family written, in file order.
    static let families: [Family] = [
        Family(name: "syspro_bq_rows_total", type: "counter", help: "Rows staged (extract) or acknowledged (load)."),
        Family(name: "syspro_bq_tombstones_total", type: "counter", help: "Tombstones (deleted rows) staged."),
        Family(name: "syspro_bq_segments_total", type: "counter", help: "Segments sealed (extract) or loaded (load)."),
        Family(name: "syspro_bq_retries_total", type: "counter", help: "Requests retried after a transient failure."),
        Family(name: "syspro_bq_errors_total", type: "counter", help: "Stream failures."),
        Family(name: "syspro_bq_quarantined_rows_total", type: "counter", help: "Rows rejected and quarantined."),
        Family(
            name: "syspro_bq_lag_seconds",
            type: "gauge",
            help:
                "extract: seconds since the last successful extract; load: age of the oldest row pending for BigQuery."
        ),
        Family(
            name: "syspro_bq_last_success_timestamp_seconds",
            type: "gauge",
            help: "When a run of this stage last succeeded (Unix time)."
        ),
        Family(name: "syspro_bq_last_run_timestamp_seconds", type: "gauge", help: "When a command last finished."),
        Family(name: "syspro_bq_last_run_exit_code", type: "gauge", help: "The exit code of the command's last run."),
        Family(name: "syspro_bq_last_run_duration_seconds", type: "gauge", help: "How long the last run took."),
    ]

    /// The new file contents: `previous` (the current file, if any) updated with `summary`.
    public static func updated(previous: String?, with summary: RunSummary) -> String {
        var samples = parse(previous ?? "")
        for stream in summary.streams {
            let labels = [("table", stream.table), ("company", stream.company), ("stage", stream.stage.rawValue)]
            add("syspro_bq_rows_total", labels, Double(stream.rows), to: &samples)
            if let tombstones = stream.tombstones {
                add("syspro_bq_tombstones_total", labels, Double(tombstones), to: &samples)
            }
            add("syspro_bq_segments_total", labels, Double(stream.segments), to: &samples)
            add("syspro_bq_retries_total", labels, Double(stream.retries), to: &samples)
            add("syspro_bq_errors_total", labels, Double(stream.errors), to: &samples)
            add("syspro_bq_quarantined_rows_total", labels, Double(stream.quarantinedRows), to: &samples)
            if let lag = stream.lagSeconds { samples[key("syspro_bq_lag_seconds", labels)] = lag }
        }
        let finished = summary.finishedAt.timeIntervalSince1970
        if summary.outcome == .succeeded || summary.outcome == .succeededWithQuarantine {
            for stage in stages(of: summary) {
                samples[key("syspro_bq_last_success_timestamp_seconds", [("stage", stage.rawValue)])] = finished
            }
        }
        let command = [("command", summary.command)]
        samples[key("syspro_bq_last_run_timestamp_seconds", command)] = finished
        samples[key("syspro_bq_last_run_exit_code", command)] = Double(summary.exitCode)
        samples[key("syspro_bq_last_run_duration_seconds", command)] = summary.elapsedSeconds
        return render(samples)
    }

    /// The stages a command covers: those of its streams, plus those its name implies.
    static func stages(of summary: RunSummary) -> Set<RunSummary.Stage> {
        var stages = Set(summary.streams.map(\.stage))
        switch summary.command {
        case "extract": stages.insert(.extract)
        case "load", "replay": stages.insert(.load)
        case "run": stages.formUnion([.extract, .load])
        default: break
        }
        return stages
    }

    // MARK: - Samples

    /// `name{label="value",...}` → value, for the families above only.
    static func parse(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        let names = Set(families.map(\.name))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let sampleKey = String(line[..<space])
            let name = sampleKey.prefix { $0 != "{" }
            if names.contains(String(name)) { samples[sampleKey] = value }
        }
        return samples
    }

    static func key(_ name: String, _ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    private static func add(
        _ name: String,
        _ labels: [(String, String)],
        _ value: Double,
        to samples: inout [String: Double]
    ) {
        samples[key(name, labels), default: 0] += value
    }

    /// Label values escape `\`, `"` and newline.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func render(_ samples: [String: Double]) -> String {
        var text = ""
        for family in families {
            let keys = samples.keys.filter { $0 == family.name || $0.hasPrefix(family.name + "{") }.sorted()
            guard !keys.isEmpty else { continue }
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for sampleKey in keys { text += "\(sampleKey) \(format(samples[sampleKey] ?? 0))\n" }
        }
        return text
    }

    /// Integers without a fraction; others with up to millisecond precision.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3f", value)
    }
}
