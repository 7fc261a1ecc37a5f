/// One record of a stream's load journal (docs/staging-format.md §8.2). Value type, `Sendable`.
public enum JournalRecord: Sendable, Hashable {
    /// BigQuery accepted rows `firstRow ..< firstRow + rowCount` of segment `seq`.
    case ack(
        seq: UInt64,
        firstRow: Int64,
        rowCount: Int64,
        insertIdFirst: String,
        insertIdLast: String,
        response: String
    )
    /// Row `row` of segment `seq` was rejected and written to `quarantine/rows-<seq>.ndjson`.
    case quarantine(seq: UInt64, row: Int64, reason: String)
    /// Every row of segment `seq` is accounted for (acknowledged or quarantined).
    case segmentLoaded(seq: UInt64, rows: Int64, quarantined: Int64, mode: LoadMode, jobId: String?)
    /// Segment `seq` is being sent again; earlier acknowledgements no longer count for its current delivery.
    case replay(seq: UInt64, generation: Int64, reason: String)
    /// The segment file of `seq` was moved to the archive stream directory `location`.
    case archived(seq: UInt64, location: String)
    /// The line of `file` at `offset` (`length` bytes) was a torn tail, acknowledged by the next appender.
    case torn(file: String, offset: Int64, length: Int64)

    /// How a segment was delivered to BigQuery.
    public enum LoadMode: String, Sendable, Hashable, CaseIterable {
        case insertAll
        case loadJob
    }

    /// The segment the record is about, if any.
    public var sequence: UInt64? {
        switch self {
        case .ack(let seq, _, _, _, _, _), .quarantine(let seq, _, _), .segmentLoaded(let seq, _, _, _, _),
            .replay(let seq, _, _), .archived(let seq, _):
            return seq
        case .torn:
            return nil
        }
    }

    /// The canonical JSON of the record with its timestamp `at`.
    func canonicalJSON(at: String) -> CanonicalJSON {
        var members: [String: CanonicalJSON] = ["at": .string(at)]
        switch self {
        case .ack(let seq, let firstRow, let rowCount, let first, let last, let response):
            members.merge([
                "type": "ack", "seq": .integer(Int64(seq)), "firstRow": .integer(firstRow),
                "rowCount": .integer(rowCount), "insertIdFirst": .string(first), "insertIdLast": .string(last),
                "response": .string(response),
            ]) { $1 }
        case .quarantine(let seq, let row, let reason):
            members.merge([
                "type": "quarantine", "seq": .integer(Int64(seq)), "row": .integer(row), "reason": .string(reason),
            ]) { $1 }
        case .segmentLoaded(let seq, let rows, let quarantined, let mode, let jobId):
            members.merge([
                "type": "segmentLoaded", "seq": .integer(Int64(seq)), "rows": .integer(rows),
                "quarantined": .integer(quarantined), "mode": .string(mode.rawValue),
                "jobId": jobId.map { .string($0) } ?? .null,
            ]) { $1 }
        case .replay(let seq, let generation, let reason):
            members.merge([
                "type": "replay", "seq": .integer(Int64(seq)), "generation": .integer(generation),
                "reason": .string(reason),
            ]) { $1 }
        case .archived(let seq, let location):
            members.merge(["type": "archived", "seq": .integer(Int64(seq)), "location": .string(location)]) { $1 }
        case .torn(let file, let offset, let length):
            members.merge([
                "type": "torn", "file": .string(file), "offset": .integer(offset), "length": .integer(length),
            ]) { $1 }
        }
        return .object(members)
    }

    /// Decodes a record and its `at` from canonical JSON; `nil` when a field is missing or mistyped.
    static func decode(_ value: CanonicalJSON) -> (record: JournalRecord, at: String)? {
        guard let type = value["type"]?.stringValue, let at = value["at"]?.stringValue else { return nil }
        func seq() -> UInt64? { value["seq"]?.integerValue.flatMap { $0 >= 1 ? UInt64($0) : nil } }
        func int(_ key: String) -> Int64? { value[key]?.integerValue }
        func text(_ key: String) -> String? { value[key]?.stringValue }
        let record: JournalRecord?
        switch type {
        case "ack":
            guard let seq = seq(), let firstRow = int("firstRow"), let rowCount = int("rowCount"),
                let first = text("insertIdFirst"), let last = text("insertIdLast"), let response = text("response")
            else { return nil }
            record = .ack(
                seq: seq,
                firstRow: firstRow,
                rowCount: rowCount,
                insertIdFirst: first,
                insertIdLast: last,
                response: response
            )
        case "quarantine":
            guard let seq = seq(), let row = int("row"), let reason = text("reason") else { return nil }
            record = .quarantine(seq: seq, row: row, reason: reason)
        case "segmentLoaded":
            guard let seq = seq(), let rows = int("rows"), let quarantined = int("quarantined"),
                let mode = text("mode").flatMap(LoadMode.init(rawValue:)), let jobValue = value["jobId"],
                jobValue.isNull || jobValue.stringValue != nil
            else { return nil }
            record = .segmentLoaded(
                seq: seq,
                rows: rows,
                quarantined: quarantined,
                mode: mode,
                jobId: jobValue.stringValue
            )
        case "replay":
            guard let seq = seq(), let generation = int("generation"), let reason = text("reason") else { return nil }
            record = .replay(seq: seq, generation: generation, reason: reason)
        case "archived":
            guard let seq = seq(), let location = text("location") else { return nil }
            record = .archived(seq: seq, location: location)
        case "torn":
            guard let file = text("file"), let offset = int("offset"), let length = int("length") else { return nil }
            record = .torn(file: file, offset: offset, length: length)
        default:
            record = nil
        }
        guard let record, record.canonicalJSON(at: at) == value else { return nil }
        return (record, at)
    }
}

extension CanonicalJSON: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
