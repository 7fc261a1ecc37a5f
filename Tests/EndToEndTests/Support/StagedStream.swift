import Foundation

/// One stream of the staging log as the chaos audit reads it, independently of SegmentLog's own reader: the
/// manifests' sequences and row counts, and the load journal's records (docs/staging-format.md §4 and §8).
struct StagedStream {
    /// A journal `ack`: rows `rows` of segment `seq` accepted by BigQuery at `at`.
    struct Ack {
        var seq: Int
        var rows: Range<Int>
        var at: Date
    }

    var company: String
    var table: String
    /// Sequence → `rowCount` from each `manifest-<seq>.json`.
    var rowCounts: [Int: Int] = [:]
    var acks: [Ack] = []
    /// Sequence → rows quarantined.
    var quarantined: [Int: Set<Int>] = [:]
    /// Sequence → `rows` of its `segmentLoaded` records.
    var loaded: [Int: [Int]] = [:]
    /// Sequences with a `replay` record (a resend the journal announces).
    var replayed: Set<Int> = []
    /// Journal lines that are not a record (torn tails a killed load left; `verify` judges them).
    var unreadableLines = 0

    init(directory: URL, company: String, table: String) throws {
        self.company = company
        self.table = table
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() {
            let url = directory.appendingPathComponent(name)
            if name.hasPrefix("manifest-") && name.hasSuffix(".json") {
                let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as? [String: Any]
                guard let seq = (object?["sequence"] as? NSNumber)?.intValue,
                    let rows = (object?["rowCount"] as? NSNumber)?.intValue
                else { throw HarnessError("manifest without sequence or rowCount: \(url.path)") }
                rowCounts[seq] = rows
            } else if name.hasPrefix("journal-") && name.hasSuffix(".log") {
                try readJournal(url)
            }
        }
    }

    private mutating func readJournal(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let space = line.firstIndex(of: " "),
                let object = try? JSONSerialization.jsonObject(with: Data(line[line.index(after: space)...].utf8))
                    as? [String: Any],
                let type = object["type"] as? String
            else {
                unreadableLines += 1
                continue
            }
            func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
            let seq = int("seq") ?? 0
            switch type {
            case "ack":
                guard let first = int("firstRow"), let count = int("rowCount"),
                    let at = (object["at"] as? String).flatMap(Self.parseTime)
                else { throw HarnessError("malformed ack in \(url.path): \(line)") }
                acks.append(Ack(seq: seq, rows: first..<(first + count), at: at))
            case "quarantine":
                if let row = int("row") { quarantined[seq, default: []].insert(row) }
            case "segmentLoaded":
                loaded[seq, default: []].append(int("rows") ?? -1)
            case "replay":
                replayed.insert(seq)
            default:
                break
            }
        }
    }

    /// `2026-11-27T15:00:00.123Z`.
    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
