import Common

@testable import Extract

/// A row as the scanner saw it, one description per column: `s:text`, `n:text`, `true`, `false`, `null`, `-`.
typealias ScannedRow = [String]

/// Scans `body` split into chunks at the given offsets and returns rows, nextLink and the scanner.
func scan(
    _ body: [UInt8],
    columns: [String],
    splitAt offsets: [Int] = []
) throws -> (rows: [ScannedRow], scanner: ODataPageScanner) {
    var scanner = ODataPageScanner(entity: "ApInvoice", columns: columns)
    var rows: [ScannedRow] = []
    var start = 0
    for end in offsets.sorted() + [body.count] where end >= start {
        let chunk = Array(body[start..<end])
        try chunk.withUnsafeBytes { buffer in
            try scanner.feed(buffer) { raw in rows.append(describe(raw)) }
        }
        start = end
    }
    try scanner.finish()
    return (rows, scanner)
}

func scan(
    _ text: String,
    columns: [String],
    splitAt offsets: [Int] = []
) throws -> (
    rows: [ScannedRow], scanner: ODataPageScanner
) {
    try scan(Array(text.utf8), columns: columns, splitAt: offsets)
}

func describe(_ raw: RawRow) -> ScannedRow {
    (0..<raw.columnCount).map { column in
        switch raw.kinds[column] {
        case .absent: return "-"
        case .null: return "null"
        case .boolTrue: return "true"
        case .boolFalse: return "false"
        case .string: return "s:" + raw.text(column)
        case .number: return "n:" + raw.text(column)
        }
    }
}

/// Runs `body` and returns the SysproBQError it throws, or nil.
func caught(_ body: () throws -> Void) -> SysproBQError? {
    do {
        try body()
        return nil
    } catch let error as SysproBQError {
        return error
    } catch {
        return SysproBQError(.internalError, "unexpected error type: \(error)", disposition: .terminal)
    }
}
