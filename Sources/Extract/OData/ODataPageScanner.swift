import Common

#if canImport(Glibc)
import Glibc
#endif

/// A streaming, byte-level scanner of one OData JSON response page (OData JSON Format v4.0 §12,
/// http://docs.oasis-open.org/odata/odata-json-format/v4.0/odata-json-format-v4.0.html).
///
/// Fed chunk by chunk from the HTTP body callback, it finds the objects of the top-level `value` array and,
/// per row, the raw text of each catalog column's value, written into a ``RawRow``:
/// - JSON strings are decoded exactly to UTF-8 (all escapes, `\uXXXX` surrogate pairs; lone surrogates,
///   control characters and invalid UTF-8 are errors);
/// - numbers keep their text exactly (`1234.50` stays `1234.50`; the grammar of RFC 8259 §6 is enforced);
/// - `true`, `false` and `null` become kinds without bytes;
/// - nested objects and arrays inside a row, unknown properties, and `@odata.*` annotations are skipped.
///
/// `@odata.nextLink` is taken from anywhere in the top-level object; an `error` member (an OData error
/// body) is captured as ``errorCode`` / ``errorMessage``. Malformed or truncated input throws
/// `.protocolViolation` naming the byte offset, the row and the entity; an HTML page (an IIS error or login
/// page answered with status 200) throws a protocol error with a remedy.
///
/// Foundation's JSON parsers are not used: they turn numbers into `Double` and run at 45–60k rows/s
/// (swift-c-interop.md §5). Memory: one row's values, plus the keys and annotation text being read.
///
/// This type is not thread-safe: one scanner reads one response.
struct ODataPageScanner {
    private enum State: UInt8 {
        case begin
        case valueStart
        case keyOrObjectEnd
        case keyStart
        case colon
        case afterValue
        case string
        case stringEscape
        case stringUnicode
        case lowSurrogateBackslash
        case lowSurrogateU
        case number
        case literal
        case done
    }

    private enum Container: UInt8 {
        case object
        case array
    }

    /// Where the value being read goes.
    private enum Target: Equatable {
        case ignore
        case column(Int)
        case nextLink
        case errorCode
        case errorMessage
        /// The string being read is an object key.
        case key
    }

    /// What the top-level member being read is.
    private enum Section: UInt8 {
        case other
        case value
        case error
    }

    private enum NumberPart: UInt8 {
        case sign
        case afterMinus
        case leadingZero
        case integer
        case fractionStart
        case fraction
        case exponentStart
        case exponentSign
        case exponent
    }

    let entity: String
    private let columnNames: [[UInt8]]
    private let columnIndex: [[UInt8]: Int]

    private var state: State = .begin
    private var stack: [Container] = []
    private var section: Section = .other
    private var target: Target = .ignore
    private var offset = 0
    private var sawValueArray = false
    /// A ',' was just read in an array, so a value (not ']') must follow.
    private var arrayNeedsValue = false

    private var raw: RawRow
    private var keyBuffer: [UInt8] = []
    private var textBuffer: [UInt8] = []
    private var keyOrdinal = 0
    /// Per key position in a row, the column of the key seen there in the previous row (-1: not a column) and
    /// that key's bytes (and whether they are all plain JSON bytes): a service writes properties in the same
    /// order in every row.
    private var predictedColumns: [Int] = []
    private var predictedKeys: [[UInt8]] = []
    private var predictedKeyIsPlain: [Bool] = []
    /// How many keys the previous row had.
    private var previousRowKeyCount = 0

    private var unicodeValue: UInt32 = 0
    private var unicodeDigits = 0
    private var highSurrogate: UInt32 = 0
    private var utf8Remaining = 0
    private var utf8Lower: UInt8 = 0x80
    private var utf8Upper: UInt8 = 0xBF
    private var numberPart: NumberPart = .sign
    private var literalBytes: StaticString = "null"
    private var literalIndex = 0
    private var literalKind: RawRow.Kind = .null

    /// Rows completed so far.
    private(set) var rowCount = 0
    /// Of those, the rows read in one pass (``fastRow(_:from:onRow:)``).
    private(set) var onePassRowCount = 0
    /// Bytes consumed so far.
    var byteCount: Int { offset }
    /// The `@odata.nextLink` URL, verbatim (escapes decoded), when the page has one.
    private(set) var nextLink: String?
    /// The OData error body's `error.code`, when the response is an error body.
    private(set) var errorCode: String?
    /// The OData error body's `error.message`.
    private(set) var errorMessage: String?
    /// Whether the body had a top-level `error` member.
    private(set) var sawError = false

    /// - Parameters:
    ///   - entity: the entity set, named in errors.
    ///   - columns: the catalog column names, in ``RawRow`` slot order.
    init(entity: String, columns: [String]) {
        self.entity = entity
        columnNames = columns.map { Array($0.utf8) }
        var index: [[UInt8]: Int] = [:]
        for (position, name) in columnNames.enumerated() { index[name] = position }
        columnIndex = index
        raw = RawRow(columnCount: columns.count)
        stack.reserveCapacity(16)
    }

    /// Scans `chunk`, calling `onRow` with each completed row.
    ///
    /// - Throws: `SysproBQError` `.protocolViolation` for malformed JSON or HTML, or what `onRow` throws.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (RawRow) throws -> Void) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch state {
            case .string:
                // Fast path: copy a run of plain bytes at once.
                var end = index
                while end < count {
                    let b = bytes[end]
                    if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 || utf8Remaining > 0 { break }
                    end += 1
                }
                if end > index {
                    appendText(UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                    continue
                }
                try stringByte(byte, at: offset + index)
                index += 1
            case .number:
                // Fast path: copy a run of digits at once when digits are what the grammar expects.
                if numberPart == .integer || numberPart == .fraction || numberPart == .exponent {
                    var end = index
                    while end < count, DecimalText.isDigit(bytes[end]) { end += 1 }
                    if end > index {
                        if case .column = target {
                            raw.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                        }
                        index = end
                        continue
                    }
                }
                if try numberByte(byte, at: offset + index) { index += 1 }
            case .stringEscape, .stringUnicode, .lowSurrogateBackslash, .lowSurrogateU:
                try stringByte(byte, at: offset + index)
                index += 1
            case .literal:
                try literalByte(byte, at: offset + index)
                index += 1
            default:
                if byte == 0x7B, state == .valueStart, section == .value, stack.count == 2, stack[1] == .array,
                    let next = try fastRow(bytes, from: index, onRow: onRow)
                {
                    index = next
                    continue
                }
                try structuralByte(byte, at: offset + index, onRow: onRow)
                index += 1
            }
        }
        offset += count
    }

    // MARK: Rows in one piece

    /// Reads the row object starting at `bytes[start]` (`{`) in one pass when it is the common shape: entirely
    /// within this chunk, its keys those of the previous row in the same order, strings printable ASCII without
    /// escapes, values scalars. Its bytes are copied into the row's arena once and the values recorded as
    /// ranges of that copy. Returns the index after the row's `}` (having called `onRow`), or `nil` when the row
    /// is not of that shape; then nothing but the row's slots changed, and the byte-wise path reads it from `{`
    /// (and reports any error in it).
    private mutating func fastRow(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        onRow: (RawRow) throws -> Void
    ) throws -> Int? {
        let end = bytes.count
        let base = bytes.baseAddress!
        let predictedCount = previousRowKeyCount
        guard predictedCount > 0, predictedCount <= predictedColumns.count else { return nil }
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
        var lastColumn = -1
        let closing: Int? = raw.fill { kinds, starts, ends in
            predictedColumns.withUnsafeBufferPointer { predicted -> Int? in
                predictedKeys.withUnsafeBufferPointer { keys -> Int? in
                    var index = start + 1
                    var ordinal = 0
                    while true {
                        while index < end, isSpace(base[index]) { index += 1 }
                        guard index < end, base[index] == 0x22, ordinal < predictedCount,
                            predictedKeyIsPlain[ordinal]
                        else { return nil }
                        // The key: the predicted one (printable ASCII without escapes), between quotes.
                        let matches = keys[ordinal].withUnsafeBufferPointer { expected in
                            let count = expected.count
                            return index + count + 2 <= end && base[index + count + 1] == 0x22
                                && (count == 0 || memcmp(expected.baseAddress!, base + index + 1, count) == 0)
                        }
                        guard matches else { return nil }
                        index += keys[ordinal].count + 2
                        let column = predicted[ordinal]
                        ordinal += 1
                        while index < end, isSpace(base[index]) { index += 1 }
                        guard index < end, base[index] == 0x3A else { return nil }
                        index += 1
                        while index < end, isSpace(base[index]) { index += 1 }
                        guard index < end else { return nil }
                        // The value.
                        let first = base[index]
                        var kind: RawRow.Kind
                        var valueStart = index
                        var valueEnd = index
                        switch first {
                        case 0x22:
                            index += 1
                            valueStart = index
                            index = PlainJSONBytes.endOfRun(base, from: index, to: end)
                            guard index < end, base[index] == 0x22 else { return nil }
                            valueEnd = index
                            index += 1
                            kind = .string
                        case 0x2D, 0x30...0x39:
                            if first == 0x2D { index += 1 }
                            guard index < end else { return nil }
                            if base[index] == 0x30 {
                                index += 1
                            } else if isDigit(base[index]) {
                                while index < end, isDigit(base[index]) { index += 1 }
                            } else {
                                return nil
                            }
                            if index < end, base[index] == 0x2E {
                                index += 1
                                guard index < end, isDigit(base[index]) else { return nil }
                                while index < end, isDigit(base[index]) { index += 1 }
                            }
                            if index < end, base[index] == 0x65 || base[index] == 0x45 {
                                index += 1
                                if index < end, base[index] == 0x2B || base[index] == 0x2D { index += 1 }
                                guard index < end, isDigit(base[index]) else { return nil }
                                while index < end, isDigit(base[index]) { index += 1 }
                            }
                            valueEnd = index
                            kind = .number
                        case 0x6E, 0x74:
                            guard end - index >= 4 else { return nil }
                            let word = (first == 0x6E ? "null" : "true") as StaticString
                            guard memcmp(word.utf8Start, base + index, 4) == 0 else { return nil }
                            index += 4
                            kind = first == 0x6E ? .null : .boolTrue
                        case 0x66:
                            guard end - index >= 5, memcmp(("false" as StaticString).utf8Start, base + index, 5) == 0
                            else { return nil }
                            index += 5
                            kind = .boolFalse
                        default:
                            return nil
                        }
                        if column >= 0 {
                            kinds[column] = kind
                            starts[column] = valueStart - start
                            ends[column] = valueEnd - start
                        }
                        // After the value: ',' and the next key, or the row's end.
                        while index < end, isSpace(base[index]) { index += 1 }
                        guard index < end else { return nil }
                        if base[index] == 0x2C {
                            index += 1
                            continue
                        }
                        guard base[index] == 0x7D, ordinal == predictedCount else { return nil }
                        lastColumn = column
                        return index
                    }
                }
            }
        }
        guard let closing else { return nil }
        keyOrdinal = predictedCount
        target = lastColumn >= 0 ? .column(lastColumn) : .ignore  // as the byte-wise path leaves it
        arrayNeedsValue = false
        rowCount += 1
        onePassRowCount += 1
        state = .afterValue
        // The row's values are read where they lie in this chunk: no copy per row.
        raw.lend(UnsafeBufferPointer(rebasing: bytes[start...closing]))
        defer { raw.endLoan() }
        try onRow(raw)
        return closing + 1
    }

    /// Declares the end of the body.
    ///
    /// - Throws: `SysproBQError` `.protocolViolation` when the body ended inside the JSON, or had no `value`
    ///   array and no `error` member.
    mutating func finish() throws {
        guard state == .done else {
            if state == .begin {
                throw violation("the response body is empty", at: offset, remedy: nil)
            }
            throw violation("the response ended inside \(whereAmI()) — the body was cut short", at: offset, remedy: nil)
        }
        guard sawValueArray || sawError else {
            throw violation("the response has no \"value\" array", at: offset, remedy: nil)
        }
    }

    // MARK: Structure

    private mutating func structuralByte(_ byte: UInt8, at position: Int, onRow: (RawRow) throws -> Void) throws {
        if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { return }
        switch state {
        case .begin:
            if byte == 0xEF || byte == 0xBB || byte == 0xBF, position < 3 { return }  // UTF-8 byte-order mark
            if byte == UInt8(ascii: "<") {
                throw violation(
                    "the server answered with an HTML page instead of OData JSON",
                    at: position,
                    remedy:
                        "an IIS or proxy page answered: check the OData service root URL and company path, that the "
                        + "SYSPRO OData service is installed and its IIS application pool is running"
                )
            }
            guard byte == UInt8(ascii: "{") else { throw unexpected(byte, at: position, expecting: "'{'") }
            stack.append(.object)
            state = .keyOrObjectEnd
        case .keyOrObjectEnd, .keyStart:
            if byte == UInt8(ascii: "}"), state == .keyOrObjectEnd {
                try closeContainer(.object, at: position, onRow: onRow)
                return
            }
            guard byte == UInt8(ascii: "\"") else {
                throw unexpected(byte, at: position, expecting: state == .keyStart ? "a key" : "a key or '}'")
            }
            keyBuffer.removeAll(keepingCapacity: true)
            target = .key
            state = .string
        case .colon:
            guard byte == UInt8(ascii: ":") else { throw unexpected(byte, at: position, expecting: "':'") }
            state = .valueStart
        case .valueStart:
            try valueStart(byte, at: position, onRow: onRow)
        case .afterValue:
            guard let container = stack.last else { throw unexpected(byte, at: position, expecting: "the end") }
            if byte == UInt8(ascii: ",") {
                if container == .object {
                    state = .keyStart
                } else {
                    state = .valueStart
                    target = .ignore
                    arrayNeedsValue = true
                }
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                let closing: Container = byte == UInt8(ascii: "}") ? .object : .array
                guard closing == container else {
                    throw unexpected(byte, at: position, expecting: container == .object ? "',' or '}'" : "',' or ']'")
                }
                try closeContainer(closing, at: position, onRow: onRow)
            } else {
                throw unexpected(byte, at: position, expecting: container == .object ? "',' or '}'" : "',' or ']'")
            }
        case .literal, .lowSurrogateBackslash, .lowSurrogateU, .string, .stringEscape, .stringUnicode, .number:
            preconditionFailure("value states are handled by feed(_:onRow:)")
        case .done:
            throw violation(
                "unexpected \(describe(byte)) after the end of the JSON document",
                at: position,
                remedy: nil
            )
        }
    }

    private mutating func valueStart(_ byte: UInt8, at position: Int, onRow: (RawRow) throws -> Void) throws {
        let depth = stack.count
        let inValueArray = section == .value && depth == 2 && stack[1] == .array
        let needsValue = arrayNeedsValue
        arrayNeedsValue = false
        if inValueArray, byte != UInt8(ascii: "{"), byte != UInt8(ascii: "]") {
            throw violation("an element of the \"value\" array is not an object", at: position, remedy: nil)
        }
        switch byte {
        case UInt8(ascii: "{"):
            if inValueArray {
                raw.reset()
                keyOrdinal = 0
            }
            stack.append(.object)
            state = .keyOrObjectEnd
        case UInt8(ascii: "["):
            if depth == 1, section == .value { sawValueArray = true }
            stack.append(.array)
            state = .valueStart
            target = .ignore
        case UInt8(ascii: "]"):
            // An empty array: `[` then `]`; not `[1,]`.
            guard stack.last == .array, !needsValue else { throw unexpected(byte, at: position, expecting: "a value") }
            try closeContainer(.array, at: position, onRow: onRow)
        case UInt8(ascii: "\""):
            textBuffer.removeAll(keepingCapacity: true)
            if case .column(let column) = target { raw.begin(column) }
            state = .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if case .column(let column) = target { raw.begin(column) }
            numberPart = .sign
            state = .number
            _ = try numberByte(byte, at: position)
        case UInt8(ascii: "t"):
            startLiteral("true", kind: .boolTrue)
        case UInt8(ascii: "f"):
            startLiteral("false", kind: .boolFalse)
        case UInt8(ascii: "n"):
            startLiteral("null", kind: .null)
        default:
            throw unexpected(byte, at: position, expecting: "a value")
        }
    }

    private mutating func closeContainer(
        _ container: Container,
        at position: Int,
        onRow: (RawRow) throws -> Void
    )
        throws
    {
        _ = stack.popLast()
        let depth = stack.count
        if container == .object, depth == 2, section == .value, stack[1] == .array {
            previousRowKeyCount = keyOrdinal
            rowCount += 1
            try onRow(raw)
        }
        if depth == 0 {
            state = .done
        } else {
            state = .afterValue
            if depth == 1 { section = .other }
        }
    }

    /// Called when a key string is complete: decide where the member's value goes.
    private mutating func keyComplete() {
        state = .colon
        let depth = stack.count
        switch depth {
        case 1:
            target = .ignore
            if equals(keyBuffer, "value") {
                section = .value
            } else if equals(keyBuffer, "error") {
                section = .error
                sawError = true
            } else {
                section = .other
                if equals(keyBuffer, "@odata.nextLink") || equals(keyBuffer, "odata.nextLink") { target = .nextLink }
            }
        case 2 where section == .error:
            if equals(keyBuffer, "code") {
                target = .errorCode
            } else if equals(keyBuffer, "message") {
                target = .errorMessage
            } else {
                target = .ignore
            }
        case 3 where section == .value && stack[1] == .array:
            target = lookUpColumn().map { .column($0) } ?? .ignore
            keyOrdinal += 1
        default:
            target = .ignore
        }
    }

    /// The catalog column for the key just read; tries the column seen at this position in the previous row
    /// first, since a service writes properties in the same order in every row.
    private mutating func lookUpColumn() -> Int? {
        if keyOrdinal < predictedColumns.count {
            let predicted = predictedColumns[keyOrdinal]
            if predicted >= 0, columnNames[predicted] == keyBuffer { return predicted }
        }
        let found = columnIndex[keyBuffer]
        // A key the one-pass reader cannot match as raw bytes (one that needs escapes or a UTF-8 check) keeps rows
        // on the byte-wise path.
        let plain = keyBuffer.allSatisfy(PlainJSONBytes.isPlain)
        if keyOrdinal < predictedColumns.count {
            predictedColumns[keyOrdinal] = found ?? -1
            predictedKeys[keyOrdinal] = keyBuffer
            predictedKeyIsPlain[keyOrdinal] = plain
        } else if keyOrdinal == predictedColumns.count {
            predictedColumns.append(found ?? -1)
            predictedKeys.append(keyBuffer)
            predictedKeyIsPlain.append(plain)
        }
        return found
    }

    private func equals(_ bytes: [UInt8], _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let pointer = text.utf8Start
        for index in 0..<bytes.count where bytes[index] != pointer[index] { return false }
        return true
    }

    // MARK: Strings

    private mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch target {
        case .column: raw.append(contentsOf: bytes)
        case .key: keyBuffer.append(contentsOf: bytes)
        case .nextLink, .errorCode, .errorMessage: textBuffer.append(contentsOf: bytes)
        case .ignore: break
        }
    }

    private mutating func appendTextByte(_ byte: UInt8) {
        switch target {
        case .column: raw.append(byte)
        case .key: keyBuffer.append(byte)
        case .nextLink, .errorCode, .errorMessage: textBuffer.append(byte)
        case .ignore: break
        }
    }

    private mutating func appendScalar(_ value: UInt32) {
        if value < 0x80 {
            appendTextByte(UInt8(value))
        } else if value < 0x800 {
            appendTextByte(UInt8(0xC0 | value >> 6))
            appendTextByte(UInt8(0x80 | value & 0x3F))
        } else if value < 0x10000 {
            appendTextByte(UInt8(0xE0 | value >> 12))
            appendTextByte(UInt8(0x80 | value >> 6 & 0x3F))
            appendTextByte(UInt8(0x80 | value & 0x3F))
        } else {
            appendTextByte(UInt8(0xF0 | value >> 18))
            appendTextByte(UInt8(0x80 | value >> 12 & 0x3F))
            appendTextByte(UInt8(0x80 | value >> 6 & 0x3F))
            appendTextByte(UInt8(0x80 | value & 0x3F))
        }
    }

    private mutating func stringByte(_ byte: UInt8, at position: Int) throws {
        switch state {
        case .string:
            if utf8Remaining > 0 {
                guard byte >= utf8Lower, byte <= utf8Upper else {
                    throw violation("invalid UTF-8 in \(whereAmI())", at: position, remedy: nil)
                }
                utf8Remaining -= 1
                utf8Lower = 0x80
                utf8Upper = 0xBF
                appendTextByte(byte)
                return
            }
            switch byte {
            case 0x22:
                try stringComplete()
            case 0x5C:
                state = .stringEscape
            case 0x00..<0x20:
                throw violation(
                    "an unescaped control character (\(describe(byte))) in \(whereAmI())",
                    at: position,
                    remedy: nil
                )
            case 0x80...:
                try startUTF8Sequence(byte, at: position)
                appendTextByte(byte)
            default:
                appendTextByte(byte)
            }
        case .stringEscape:
            state = .string
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): appendTextByte(byte)
            case UInt8(ascii: "b"): appendTextByte(0x08)
            case UInt8(ascii: "f"): appendTextByte(0x0C)
            case UInt8(ascii: "n"): appendTextByte(0x0A)
            case UInt8(ascii: "r"): appendTextByte(0x0D)
            case UInt8(ascii: "t"): appendTextByte(0x09)
            case UInt8(ascii: "u"):
                state = .stringUnicode
                unicodeValue = 0
                unicodeDigits = 0
            default:
                throw violation("an invalid escape '\\\(describe(byte))' in \(whereAmI())", at: position, remedy: nil)
            }
        case .stringUnicode:
            guard let digit = hexValue(byte) else {
                throw violation("an invalid \\u escape (\(describe(byte))) in \(whereAmI())", at: position, remedy: nil)
            }
            unicodeValue = unicodeValue << 4 | digit
            unicodeDigits += 1
            guard unicodeDigits == 4 else { return }
            state = .string
            if highSurrogate != 0 {
                guard (0xDC00...0xDFFF).contains(unicodeValue) else {
                    throw violation(
                        "a high surrogate \\u escape not followed by a low surrogate in \(whereAmI())",
                        at: position,
                        remedy: nil
                    )
                }
                appendScalar(0x10000 + (highSurrogate - 0xD800) << 10 + (unicodeValue - 0xDC00))
                highSurrogate = 0
            } else if (0xD800...0xDBFF).contains(unicodeValue) {
                highSurrogate = unicodeValue
                state = .lowSurrogateBackslash
            } else if (0xDC00...0xDFFF).contains(unicodeValue) {
                throw violation("a lone low surrogate \\u escape in \(whereAmI())", at: position, remedy: nil)
            } else {
                appendScalar(unicodeValue)
            }
        case .lowSurrogateBackslash:
            guard byte == UInt8(ascii: "\\") else {
                throw violation(
                    "a high surrogate \\u escape not followed by a low surrogate in \(whereAmI())",
                    at: position,
                    remedy: nil
                )
            }
            state = .lowSurrogateU
        case .lowSurrogateU:
            guard byte == UInt8(ascii: "u") else {
                throw violation(
                    "a high surrogate \\u escape not followed by a low surrogate in \(whereAmI())",
                    at: position,
                    remedy: nil
                )
            }
            state = .stringUnicode
            unicodeValue = 0
            unicodeDigits = 0
        default:
            break
        }
    }

    private mutating func startUTF8Sequence(_ byte: UInt8, at position: Int) throws {
        // Well-formed UTF-8 byte sequences, Unicode 15 Table 3-7.
        switch byte {
        case 0xC2...0xDF: utf8Remaining = 1
        case 0xE0:
            utf8Remaining = 2
            utf8Lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: utf8Remaining = 2
        case 0xED:
            utf8Remaining = 2
            utf8Upper = 0x9F
        case 0xF0:
            utf8Remaining = 3
            utf8Lower = 0x90
        case 0xF1...0xF3: utf8Remaining = 3
        case 0xF4:
            utf8Remaining = 3
            utf8Upper = 0x8F
        default:
            throw violation(
                "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))) in \(whereAmI())",
                at: position,
                remedy: nil
            )
        }
    }

    private mutating func stringComplete() throws {
        if target == .key {
            keyComplete()
            return
        }
        switch target {
        case .column(let column): raw.finish(column, kind: .string)
        case .nextLink: nextLink = String(decoding: textBuffer, as: UTF8.self)
        case .errorCode: errorCode = String(decoding: textBuffer, as: UTF8.self)
        case .errorMessage: errorMessage = String(decoding: textBuffer, as: UTF8.self)
        case .ignore, .key: break
        }
        state = .afterValue
    }

    // MARK: Numbers and literals

    /// Consumes `byte` as part of a number; returns `false` (without consuming) at the byte that ends it.
    private mutating func numberByte(_ byte: UInt8, at position: Int) throws -> Bool {
        let isDigit = DecimalText.isDigit(byte)
        switch numberPart {
        case .sign, .afterMinus:
            if numberPart == .sign, byte == UInt8(ascii: "-") {
                numberPart = .afterMinus
                appendNumberByte(byte)
                return true
            }
            guard isDigit else { throw malformedNumber(at: position) }
            numberPart = byte == UInt8(ascii: "0") ? .leadingZero : .integer
        case .leadingZero:
            if byte == UInt8(ascii: ".") {
                numberPart = .fractionStart
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                numberPart = .exponentStart
            } else if isDigit {
                throw malformedNumber(at: position)
            } else {
                return numberComplete()
            }
        case .integer:
            if isDigit {
            } else if byte == UInt8(ascii: ".") {
                numberPart = .fractionStart
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                numberPart = .exponentStart
            } else {
                return numberComplete()
            }
        case .fractionStart:
            guard isDigit else { throw malformedNumber(at: position) }
            numberPart = .fraction
        case .fraction:
            if isDigit {
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                numberPart = .exponentStart
            } else {
                return numberComplete()
            }
        case .exponentStart:
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                numberPart = .exponentSign
            } else if isDigit {
                numberPart = .exponent
            } else {
                throw malformedNumber(at: position)
            }
        case .exponentSign:
            guard isDigit else { throw malformedNumber(at: position) }
            numberPart = .exponent
        case .exponent:
            guard isDigit else { return numberComplete() }
        }
        appendNumberByte(byte)
        return true
    }

    @inline(__always)
    private mutating func appendNumberByte(_ byte: UInt8) {
        if case .column = target { raw.append(byte) }
    }

    private mutating func numberComplete() -> Bool {
        if case .column(let column) = target { raw.finish(column, kind: .number) }
        state = .afterValue
        return false
    }

    private func malformedNumber(at position: Int) -> SysproBQError {
        violation("a malformed number in \(whereAmI())", at: position, remedy: nil)
    }

    private mutating func startLiteral(_ text: StaticString, kind: RawRow.Kind) {
        literalBytes = text
        literalIndex = 1
        literalKind = kind
        state = .literal
    }

    private mutating func literalByte(_ byte: UInt8, at position: Int) throws {
        let expected = literalBytes.utf8Start[literalIndex]
        guard byte == expected else {
            throw violation(
                "an invalid literal (expected '\(literalBytes)') in \(whereAmI())",
                at: position,
                remedy: nil
            )
        }
        literalIndex += 1
        if literalIndex == literalBytes.utf8CodeUnitCount {
            if case .column(let column) = target { raw.set(column, kind: literalKind) }
            state = .afterValue
        }
    }

    // MARK: Errors

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func whereAmI() -> String {
        var text: String
        switch state {
        case .string, .stringEscape, .stringUnicode, .lowSurrogateBackslash, .lowSurrogateU:
            text = target == .key ? "a key" : "a string"
        case .number: text = "a number"
        case .literal: text = "a literal"
        default: text = "the JSON document"
        }
        if section == .value, stack.count >= 3 { text += " of row \(rowCount + 1)" }
        if case .column(let column) = target {
            text += " (property \(String(decoding: columnNames[column], as: UTF8.self)))"
        }
        return text
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func unexpected(_ byte: UInt8, at position: Int, expecting: String) -> SysproBQError {
        violation(
            "malformed JSON: expected \(expecting) but found \(describe(byte)) in \(whereAmI())",
            at: position,
            remedy: nil
        )
    }

    private func violation(_ what: String, at position: Int, remedy: String?) -> SysproBQError {
        // An HTML page (with a remedy) will not go away by retrying; a broken or cut body may.
        SysproBQError(
            .protocolViolation,
            "OData response for \(entity): \(what), at byte \(position)",
            remedy: remedy
                ?? "the service sent invalid OData JSON; retry, and if it persists capture the response for SYSPRO support",
            disposition: remedy == nil ? .retryable : .needsHuman
        )
    }
}
