internal import Common

/// Splits journal bytes into checked lines (docs/staging-format.md §8.1, §8.3).
enum JournalScanner {
    struct BadLine: Hashable {
        let offset: Int64
        let length: Int64
        let reason: String
        /// Whether nothing follows the line in its file.
        let isLastLine: Bool
    }

    struct Result {
        var entries: [JournalContents.Entry] = []
        /// A bad line no `torn` record acknowledged; corruption unless it is the last line of the last file.
        var unacknowledgedBadLine: BadLine?
    }

    /// Checks one line: `crc32hex SP canonical-json`. Returns the record or why it is bad.
    static func check(_ line: ArraySlice<UInt8>) -> Swift.Result<(JournalRecord, String), LineError> {
        guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " "),
            let crc = Hex.parseCRC32(line.prefix(8))
        else { return .failure(LineError(reason: "line does not start with a CRC-32 and a space")) }
        let json = line.dropFirst(9)
        let actual = CRC32.checksum(Array(json))
        guard actual == crc else {
            return .failure(
                LineError(reason: "CRC-32 mismatch (expected \(Hex.crc32(crc)), actual \(Hex.crc32(actual)))")
            )
        }
        guard let value = try? CanonicalJSON.parse(json), value.encoded().elementsEqual(json),
            let decoded = JournalRecord.decode(value)
        else { return .failure(LineError(reason: "record is not a known canonical journal record")) }
        return .success(decoded)
    }

    struct LineError: Error, Hashable { let reason: String }

    static func scan(_ bytes: [UInt8], file: String) -> Result {
        var result = Result()
        var pending: BadLine?
        var start = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: Format.lineFeed)
            let end = newline ?? bytes.count
            let line = bytes[start..<end]
            let isLast = (newline.map { $0 + 1 } ?? bytes.count) == bytes.count
            let offset = Int64(start)
            switch check(line) {
            case .success(let (record, at)) where newline != nil:
                if case .torn(let tornFile, let tornOffset, let tornLength) = record {
                    guard let bad = pending, tornFile == file, tornOffset == bad.offset, tornLength == bad.length else {
                        // A `torn` record that acknowledges nothing: treat the record itself as bad.
                        if pending != nil { return result }  // two problems in a row: report the first
                        pending = BadLine(
                            offset: offset,
                            length: Int64(line.count),
                            reason: "torn record without a torn line",
                            isLastLine: isLast
                        )
                        start = end + 1
                        continue
                    }
                    pending = nil
                } else if pending != nil {
                    result.unacknowledgedBadLine = pending
                    return result
                }
                result.entries.append(JournalContents.Entry(record: record, at: at, file: file, offset: offset))
            case .success:
                let bad = BadLine(
                    offset: offset,
                    length: Int64(line.count),
                    reason: "last line has no newline",
                    isLastLine: true
                )
                if pending != nil {
                    result.unacknowledgedBadLine = pending
                    return result
                }
                pending = bad
            case .failure(let error):
                if pending != nil {
                    result.unacknowledgedBadLine = pending
                    return result
                }
                pending = BadLine(offset: offset, length: Int64(line.count), reason: error.reason, isLastLine: isLast)
            }
            start = end + 1
        }
        result.unacknowledgedBadLine = pending
        return result
    }
}
