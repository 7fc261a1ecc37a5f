/// The fast path of `tabledata.insertAll`: one pass over the request bytes that accepts the plain, valid
/// request and gives up (`nil`) on anything else, which then takes the general path (``JSONParser`` →
/// ``RowValidator`` → ``JSONValue/rendered``).
///
/// It exists so that the benchmark measures the client, not this fake: the general path builds a `JSONValue`
/// tree per row, checks it and renders it again (about 900k instructions per 700-byte row); this one checks the
/// same rules on the bytes and stores each row's own text.
///
/// It accepts exactly what the general path accepts and stores exactly what it would store, by declining
/// everything where the two could differ:
/// - a body that is not one object with only `kind`, `skipInvalidRows`, `ignoreUnknownValues`, `traceId` and
///   `rows` (no `templateSuffix`), each at most once; rows that are not objects with only `insertId` (a plain
///   string) and `json` (an object); no rows, or more than the per-request maximum;
/// - a row with a column not spelled exactly as in the schema, a column twice, a missing or null REQUIRED
///   column, a RECORD or REPEATED column, an array or object value;
/// - a string with an escape other than `\"` `\\` `\n` `\r` `\t` `\b` `\f` (the general path would re-render
///   `\u00e9` or `\/` differently), a control byte, invalid UTF-8, or a non-ASCII byte in a non-string column;
/// - any value the column's type refuses (the general path then reports it), and types it does not check
///   here (BYTES, FLOAT, a non-JSON-boolean BOOLEAN, a number for a date/time column).
/// Insignificant whitespace is dropped from the stored text, as rendering does.
///
/// Pure; `Sendable`.
struct InsertAllScan: Sendable {
    /// A row to store: its insertId and its compact JSON text.
    struct Row: Sendable {
        let insertId: String?
        let text: String
    }

    let rows: [Row]

    /// The check a column needs, decided once per request from its schema.
    private enum Check {
        case anything, integer, numeric, bigNumeric, boolean, date, time, dateTime, timestamp, unsupported
    }

    private struct Column {
        let name: [UInt8]
        let check: Check
        let required: Bool
    }

    /// Reads `body` against `fields`; `nil` when the general path must decide.
    static func scan(_ body: [UInt8], fields: [FieldSchema], maximumRows: Int) -> InsertAllScan? {
        let columns = fields.map { field in
            Column(
                name: Array(field.name.utf8),
                check: field.mode == .repeated ? .unsupported : check(forType: field.type),
                required: field.mode == .required
            )
        }
        return body.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes, columns: columns)
            guard let rows = reader.request(), !rows.isEmpty, rows.count <= maximumRows else { return nil }
            return InsertAllScan(rows: rows)
        }
    }

    private static func check(forType type: String) -> Check {
        switch type {
        case "STRING", "GEOGRAPHY", "JSON", "RANGE": .anything
        case "INTEGER": .integer
        case "NUMERIC": .numeric
        case "BIGNUMERIC": .bigNumeric
        case "BOOLEAN": .boolean
        case "DATE": .date
        case "TIME": .time
        case "DATETIME": .dateTime
        case "TIMESTAMP": .timestamp
        default: .unsupported
        }
    }

    /// The cursor over one request body. Every method returns `nil`/`false` to give up.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let columns: [Column]
        var index = 0
        /// Which columns the current row has set.
        var seen: [Bool]
        /// The column after the last one matched: rows usually list columns in one order.
        var hint = 0

        init(bytes: UnsafeBufferPointer<UInt8>, columns: [Column]) {
            self.bytes = bytes
            self.columns = columns
            self.seen = Array(repeating: false, count: columns.count)
        }

        private static let topLevelKeys: [[UInt8]] = [
            "kind", "skipInvalidRows", "ignoreUnknownValues", "traceId", "rows",
        ].map { Array($0.utf8) }

        mutating func request() -> [Row]? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var present = [Bool](repeating: false, count: Self.topLevelKeys.count)
            var rows: [Row]?
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return nil }
            repeat {
                skipWhitespace()
                guard let key = plainString(),
                    let which = Self.topLevelKeys.firstIndex(where: {
                        $0.elementsEqual(UnsafeBufferPointer(rebasing: bytes[key]))
                    }),
                    !present[which]
                else { return nil }
                present[which] = true
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                switch which {
                case 0, 3: guard plainString() != nil else { return nil }
                case 1, 2: guard boolean() != nil else { return nil }
                default: rows = rowArray()
                }
                guard rows != nil || which != 4 else { return nil }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            skipWhitespace()
            guard index == bytes.count else { return nil }
            return rows
        }

        private mutating func rowArray() -> [Row]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var rows: [Row] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return rows }
            repeat {
                skipWhitespace()
                guard let row = row() else { return nil }
                rows.append(row)
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
            return rows
        }

        /// `{"insertId":"…","json":{…}}`, members in either order.
        private mutating func row() -> Row? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var insertId: String?
            var text: String?
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return nil }
            repeat {
                skipWhitespace()
                guard let key = plainString() else { return nil }
                let name = UnsafeBufferPointer(rebasing: bytes[key])
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if name.elementsEqual("insertId".utf8), insertId == nil {
                    guard let id = plainString(), let valid = utf8Text(id) else { return nil }
                    insertId = valid
                } else if name.elementsEqual("json".utf8), text == nil {
                    guard let object = rowObject() else { return nil }
                    text = object
                } else {
                    return nil
                }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let text else { return nil }
            return Row(insertId: insertId, text: text)
        }

        /// The row's JSON object, checked against the columns; returns its compact text.
        private mutating func rowObject() -> String? {
            let start = index
            guard take(UInt8(ascii: "{")) else { return nil }
            for column in seen.indices { seen[column] = false }
            var compact = true
            skipWhitespace(&compact)
            if !take(UInt8(ascii: "}")) {
                repeat {
                    skipWhitespace(&compact)
                    guard let key = plainString(), let column = column(named: key), !seen[column] else { return nil }
                    seen[column] = true
                    skipWhitespace(&compact)
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace(&compact)
                    guard value(for: columns[column]) else { return nil }
                    skipWhitespace(&compact)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            for (column, definition) in columns.enumerated() where definition.required && !seen[column] {
                return nil
            }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            return compact ? String(decoding: raw, as: UTF8.self) : Self.compacted(raw)
        }

        /// The column whose name is exactly the bytes at `key`.
        private mutating func column(named key: Range<Int>) -> Int? {
            let name = UnsafeBufferPointer(rebasing: bytes[key])
            if hint < columns.count, columns[hint].name.elementsEqual(name) {
                hint += 1
                return hint - 1
            }
            guard let found = columns.firstIndex(where: { $0.name.elementsEqual(name) }) else { return nil }
            hint = found + 1
            return found
        }

        /// One column value, accepted only when the column's type takes it.
        private mutating func value(for column: Column) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let (range, plain, ascii) = string() else { return false }
                let text = UnsafeBufferPointer(rebasing: bytes[range])
                if !ascii, utf8Text(range) == nil { return false }
                switch column.check {
                case .anything: return true
                case .unsupported, .boolean: return false
                default: return plain && ascii && Self.accepts(text, column.check)
                }
            case UInt8(ascii: "n"):
                return literal("null") && !column.required
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                guard boolean() != nil else { return false }
                return column.check == .anything || column.check == .boolean
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let range = number() else { return false }
                switch column.check {
                case .anything: return true
                case .integer, .numeric, .bigNumeric:
                    return Self.accepts(UnsafeBufferPointer(rebasing: bytes[range]), column.check)
                default: return false
                }
            default:
                return false
            }
        }

        /// The type checks ``RowValidator/scalarProblem(_:type:)`` makes, on bytes.
        private static func accepts(_ text: UnsafeBufferPointer<UInt8>, _ check: Check) -> Bool {
            switch check {
            case .anything: true
            case .integer: ScalarSyntax.isInt64(text)
            case .numeric: ScalarSyntax.isDecimal(text, integerDigits: 29, fractionDigits: 9)
            case .bigNumeric: ScalarSyntax.isDecimal(text, integerDigits: 38, fractionDigits: 38)
            case .date: ScalarSyntax.isDate(text)
            case .time: ScalarSyntax.isTime(text)
            case .dateTime: ScalarSyntax.isDateTime(text)
            case .timestamp: ScalarSyntax.isTimestamp(text)
            case .boolean, .unsupported: false
            }
        }

        /// A string's contents; `plain` when it has no escapes, `ascii` when every byte is ASCII. Only the
        /// escapes that rendering writes back unchanged are taken.
        private mutating func string() -> (range: Range<Int>, plain: Bool, ascii: Bool)? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var plain = true
            var ascii = true
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return (start..<index - 1, plain, ascii)
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { return nil }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"),
                        UInt8(ascii: "t"), UInt8(ascii: "b"), UInt8(ascii: "f"):
                        plain = false
                        index += 2
                    default:
                        return nil
                    }
                case 0..<0x20:
                    return nil
                case 0x80...:
                    ascii = false
                    index += 1
                default:
                    index += 1
                }
            }
            return nil
        }

        /// A string without escapes; its contents' range.
        private mutating func plainString() -> Range<Int>? {
            guard let (range, plain, _) = string(), plain else { return nil }
            return range
        }

        /// The text of `range` when it is valid UTF-8.
        private func utf8Text(_ range: Range<Int>) -> String? {
            String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// A number per RFC 8259; its text's range.
        private mutating func number() -> Range<Int>? {
            let start = index
            _ = take(UInt8(ascii: "-"))
            guard index < bytes.count, ScalarSyntax.isDigit(bytes[index]) else { return nil }
            if !take(UInt8(ascii: "0")) { skipDigits() }
            if take(UInt8(ascii: ".")) {
                guard index < bytes.count, ScalarSyntax.isDigit(bytes[index]) else { return nil }
                skipDigits()
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard index < bytes.count, ScalarSyntax.isDigit(bytes[index]) else { return nil }
                skipDigits()
            }
            return start..<index
        }

        private mutating func skipDigits() {
            while index < bytes.count, ScalarSyntax.isDigit(bytes[index]) { index += 1 }
        }

        private mutating func boolean() -> Bool? {
            if literal("true") { return true }
            if literal("false") { return false }
            return nil
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            guard UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(expected) else {
                return false
            }
            index += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            var ignored = true
            skipWhitespace(&ignored)
        }

        /// Skips JSON whitespace; clears `compact` when there was any.
        private mutating func skipWhitespace(_ compact: inout Bool) {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D:
                    compact = false
                    index += 1
                default:
                    return
                }
            }
        }

        /// `raw` (a checked JSON object) without the whitespace outside its strings.
        private static func compacted(_ raw: UnsafeBufferPointer<UInt8>) -> String {
            var output: [UInt8] = []
            output.reserveCapacity(raw.count)
            var inString = false
            var escaped = false
            for byte in raw {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    continue
                }
                output.append(byte)
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}
