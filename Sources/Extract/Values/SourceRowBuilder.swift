import Common

/// Turns a ``RawRow`` into a ``SourceRow``: validates each value against its catalog column and renders the
/// staged format.
///
/// The rules (CONVENTIONS.md, "The staged row contract"):
/// - decimals become JSON strings holding the text received (a leading `+` dropped, nothing else changed),
///   checked against `decimal(p,s)` and the BigQuery NUMERIC/BIGNUMERIC range;
/// - date-only `datetime` values become `"YYYY-MM-DD"` (the date part as sent, zone dropped), others
///   `"YYYY-MM-DDTHH:MM:SS[.ffffff]"`;
/// - strings stay byte-exact; SQL NULL and an absent property become `null`;
/// - the `timestamp` column is not rendered: it becomes ``SourceRow/rowVersion``.
///
/// A value that breaks these rules throws `.invalidData` naming the table, the row's key and the column;
/// nothing is dropped or coerced silently.
///
/// This type is a value type; each reader owns its own.
struct SourceRowBuilder {
    private enum Kind {
        case decimal(precision: Int, scale: Int, maximumFractionDigits: Int)
        case string
        case date(keepTime: Bool)
        case integer
        case bool
        case rowVersion
    }

    /// What errors name about a column.
    private struct Plan {
        let name: String
        let sqlType: SQLType
    }

    /// What the row loop needs about a column: trivial, so reading it copies no reference.
    private struct HotPlan {
        let kind: Kind
        let nullable: Bool
        /// `"Name":` or `,"Name":`, as a range of ``prefixBytes``.
        let prefix: Range<Int>
    }

    let entry: CatalogEntry
    private let plans: [Plan]
    private let hot: [HotPlan]
    private let prefixBytes: [UInt8]
    private let keyIndices: [Int]
    private let rowVersionIndex: Int?
    private let businessDateIndex: Int?
    private let amountIndices: [Int]
    /// The row being rendered (one row at a time; shared by copies of the builder, which are never used at once).
    private let outputScratch = ScratchBytes()
    /// Reused for the normalised text of a value outside the row loop (one row at a time).
    private var scratch: [UInt8] = []
    /// Where each column's value starts and ends in the row's output (two entries per column; one row at a time).
    private var valueBounds: [Int]

    init(entry: CatalogEntry) {
        self.entry = entry
        var plans: [Plan] = []
        var hot: [HotPlan] = []
        var prefixBytes: [UInt8] = []
        var first = true
        for column in entry.columns {
            let kind: Kind
            switch column.sqlType {
            case .decimal(let precision, let scale):
                let maximum =
                    column.bigQueryType == .numeric ? BigQueryType.numericScale : BigQueryType.bignumericScale
                kind = .decimal(precision: precision, scale: scale, maximumFractionDigits: maximum)
            case .char, .varchar, .nvarchar: kind = .string
            case .datetime: kind = .date(keepTime: column.hasTimeOfDay)
            case .date: kind = .date(keepTime: false)
            case .integer: kind = .integer
            case .bit: kind = .bool
            case .timestamp: kind = .rowVersion
            }
            let prefixStart = prefixBytes.count
            if case .rowVersion = kind {
            } else {
                if !first { prefixBytes.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendString(column.name, to: &prefixBytes)
                prefixBytes.append(UInt8(ascii: ":"))
            }
            plans.append(Plan(name: column.name, sqlType: column.sqlType))
            hot.append(HotPlan(kind: kind, nullable: column.nullable, prefix: prefixStart..<prefixBytes.count))
        }
        self.plans = plans
        self.hot = hot
        valueBounds = Array(repeating: 0, count: 2 * hot.count)
        self.prefixBytes = prefixBytes
        let index = { (name: String) in entry.columns.firstIndex(where: { $0.name == name })! }
        keyIndices = entry.keyColumns.map(index)
        rowVersionIndex = entry.columns.firstIndex(where: \.isRowVersion)
        businessDateIndex = entry.businessDateColumn.map(index)
        amountIndices = entry.amountColumns.map(index)
    }

    /// The index of `name` in the entry's columns.
    func columnIndex(_ name: String) -> Int? { entry.columns.firstIndex(where: { $0.name == name }) }

    /// Renders `raw`.
    ///
    /// - Throws: `SysproBQError` `.invalidData` naming table, key and column.
    mutating func build(_ raw: RawRow) throws(SysproBQError) -> SourceRow {
        // A NULL or missing key is reported before any other problem of the row.
        for index in keyIndices {
            switch raw.kinds[index] {
            case .string, .number: continue
            default:
                throw invalid(
                    index,
                    raw: raw,
                    keyValues: nil,
                    problem: "is \(describe(raw.kinds[index])); key columns are never NULL"
                )
            }
        }
        // Every value written is at most six bytes per input byte (a \u00XX escape) or its date with a time
        // added, plus quotes: one capacity check per row, then plain stores.
        var sink = outputScratch.sink(minimum: prefixBytes.count + raw.byteCount * 6 + hot.count * 24)
        var failure: (index: Int, problem: String)?
        // Where each column's value starts and ends in the output, for the keys, amounts and business date.
        valueBounds.withUnsafeMutableBufferPointer { bounds in
            raw.withArena { arena in
                prefixBytes.withUnsafeBufferPointer { prefixes in
                    for index in hot.indices {
                        let plan = hot[index]
                        if case .rowVersion = plan.kind { continue }
                        sink.append(contentsOf: UnsafeBufferPointer(rebasing: prefixes[plan.prefix]))
                        let value = UnsafeBufferPointer(rebasing: arena[raw.starts[index]..<raw.ends[index]])
                        bounds[2 * index] = sink.count
                        if let problem = Self.appendValue(raw.kinds[index], value, plan: plan, to: &sink) {
                            failure = (index, problem)
                            return
                        }
                        bounds[2 * index + 1] = sink.count
                    }
                }
            }
        }
        if let failure {
            // The message names the row's key where it can be read.
            let keyValues = try? readKeyValues(raw, rendered: nil)
            // Errors in column order, as if the row version were read in its place.
            if let rowVersionIndex, failure.index > rowVersionIndex {
                _ = try rowVersionText(raw, rowVersionIndex, keyValues: keyValues ?? [])
            }
            let problem =
                failure.problem.isEmpty
                ? "is a JSON boolean but the column is \(plans[failure.index].sqlType)" : failure.problem
            throw invalid(failure.index, raw: raw, keyValues: keyValues, problem: problem)
        }
        let written = sink.written
        let keyValues = try readKeyValues(raw, rendered: written)
        var rowVersion: String?
        if let rowVersionIndex {
            rowVersion = try rowVersionText(raw, rowVersionIndex, keyValues: keyValues)
        }
        var businessDate: String?
        if let businessDateIndex, raw.kinds[businessDateIndex] == .string {
            if case .date(keepTime: false) = hot[businessDateIndex].kind {
                businessDate = renderedText(businessDateIndex, in: written)
            } else {
                businessDate = try normalizedText(raw, businessDateIndex, keyValues: keyValues, dateOnly: true)
            }
        }
        var amounts: [String?] = []
        amounts.reserveCapacity(amountIndices.count)
        for index in amountIndices {
            switch raw.kinds[index] {
            case .string, .number: amounts.append(try valueText(raw, index, in: written, keyValues: keyValues))
            default: amounts.append(nil)
            }
        }
        // The row keeps exactly its bytes (a page of 5,000 rows holds ~2 MB of them, not 5,000 scratch buffers).
        let columnsJSON = [UInt8](unsafeUninitializedCapacity: written.count) { buffer, initialized in
            if let base = written.baseAddress, !written.isEmpty {
                buffer.baseAddress!.initialize(from: base, count: written.count)
            }
            initialized = written.count
        }
        return SourceRow(
            columnsJSON: columnsJSON,
            keyValues: keyValues,
            rowVersion: rowVersion,
            businessDate: businessDate,
            amounts: amounts
        )
    }

    /// The row's key values: string keys as received (decoded), the others normalised.
    ///
    /// - Parameter rendered: the row's output when every column was written, or `nil` (a row that failed).
    private mutating func readKeyValues(
        _ raw: RawRow,
        rendered: UnsafeBufferPointer<UInt8>?
    ) throws(SysproBQError) -> [String] {
        var keyValues: [String] = []
        keyValues.reserveCapacity(keyIndices.count)
        for index in keyIndices {
            if case .string = hot[index].kind, raw.kinds[index] == .string {
                // String keys are the common case: their text as received, decoded.
                keyValues.append(raw.text(index))
            } else {
                keyValues.append(try valueText(raw, index, in: rendered, keyValues: nil))
            }
        }
        return keyValues
    }

    /// The normalised text of a string or number value (``normalizedText(_:_:keyValues:dateOnly:)``): for a
    /// decimal, integer or date column read from the row's output, where it was just written between quotes,
    /// when there is one.
    private mutating func valueText(
        _ raw: RawRow,
        _ index: Int,
        in rendered: UnsafeBufferPointer<UInt8>?,
        keyValues: [String]?
    ) throws(SysproBQError) -> String {
        switch hot[index].kind {
        case .decimal, .integer, .date:
            if let rendered { return renderedText(index, in: rendered) }
            return try normalizedText(raw, index, keyValues: keyValues)
        case .string, .bool, .rowVersion:
            return try normalizedText(raw, index, keyValues: keyValues)
        }
    }

    /// The text between the quotes of a decimal, integer or date column's value in `written`.
    private func renderedText(_ index: Int, in written: UnsafeBufferPointer<UInt8>) -> String {
        let start = valueBounds[2 * index] + 1
        let end = valueBounds[2 * index + 1] - 1
        return String(decoding: UnsafeBufferPointer(rebasing: written[start..<end]), as: UTF8.self)
    }

    /// Writes one value in its staged form; returns the problem (the row is then not staged), empty for a JSON
    /// boolean in a column of another type.
    ///
    /// Static over trivial arguments, so the hot loop copies no reference-counted state.
    @inline(__always)
    private static func appendValue(
        _ kind: RawRow.Kind,
        _ bytes: UnsafeBufferPointer<UInt8>,
        plan: HotPlan,
        to sink: inout UncheckedByteSink
    ) -> String? {
        switch kind {
        case .absent, .null:
            guard plan.nullable else {
                return "is \(kind == .null ? "null" : "missing from the response") but the column is NOT NULL"
            }
            sink.append("null")
            return nil
        case .boolTrue, .boolFalse:
            guard case .bool = plan.kind else { return "" }  // the caller names the column's type
            sink.append(kind == .boolTrue ? "true" : "false")
            return nil
        case .string, .number:
            break
        }
        switch plan.kind {
        case .string:
            JSONText.appendString(bytes, to: &sink)
        case .bool:
            switch String(decoding: bytes, as: UTF8.self).lowercased() {
            case "true", "1", "y": sink.append("true")
            case "false", "0", "n": sink.append("false")
            default: return "is not a boolean"
            }
        case .decimal, .integer, .date:
            sink.append(UInt8(ascii: "\""))
            if let problem = appendNormalized(
                bytes,
                isNumber: kind == .number,
                kind: plan.kind,
                to: &sink,
                dateOnly: false
            ) {
                return problem
            }
            sink.append(UInt8(ascii: "\""))
        case .rowVersion:
            break
        }
        return nil
    }

    /// Appends the normalised text (no quotes) of a decimal, integer or date value; returns the problem.
    @inline(__always)
    private static func appendNormalized<Sink: ByteSink>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        isNumber: Bool,
        kind: Kind,
        to target: inout Sink,
        dateOnly: Bool
    ) -> String? {
        switch kind {
        case .decimal(let precision, let scale, let maximumFractionDigits):
            return DecimalText.appendNormalized(
                bytes,
                to: &target,
                precision: precision,
                scale: scale,
                maximumFractionDigits: maximumFractionDigits
            )?.description
        case .integer:
            guard DecimalText.isInteger(bytes) else { return "is not an integer" }
            target.append(contentsOf: bytes)
            return nil
        case .date(let keepTime):
            if isNumber { return "is a JSON number, not a date" }
            return DateText.appendNormalized(bytes, to: &target, keepTime: keepTime && !dateOnly)?.description
        case .string, .bool, .rowVersion:
            target.append(contentsOf: bytes)
            return nil
        }
    }

    private mutating func normalizedText(
        _ raw: RawRow,
        _ index: Int,
        keyValues: [String]?,
        dateOnly: Bool = false
    ) throws(SysproBQError) -> String {
        scratch.removeAll(keepingCapacity: true)
        let kind = hot[index].kind
        let isNumber = raw.kinds[index] == .number
        let problem = raw.withBytes(index) {
            Self.appendNormalized($0, isNumber: isNumber, kind: kind, to: &scratch, dateOnly: dateOnly)
        }
        if let problem {
            throw invalid(index, raw: raw, keyValues: keyValues, problem: problem)
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    private func rowVersionText(_ raw: RawRow, _ index: Int, keyValues: [String]) throws(SysproBQError) -> String? {
        switch raw.kinds[index] {
        case .absent, .null:
            return nil
        case .string:
            if let staged = raw.withBytes(index, RowVersionText.staged(paddedBase64:)) { return staged }
            guard let staged = RowVersionText.staged(fromWire: raw.text(index)) else {
                throw invalid(
                    index,
                    raw: raw,
                    keyValues: keyValues,
                    problem: "is not an 8-byte rowversion (base64 or 0x hex)"
                )
            }
            return staged
        default:
            throw invalid(
                index,
                raw: raw,
                keyValues: keyValues,
                problem: "is \(describe(raw.kinds[index])), not a rowversion"
            )
        }
    }

    private func describe(_ kind: RawRow.Kind) -> String {
        switch kind {
        case .absent: return "missing from the response"
        case .null: return "null"
        case .string: return "a string"
        case .number: return "a number"
        case .boolTrue, .boolFalse: return "a boolean"
        }
    }

    private func invalid(_ index: Int, raw: RawRow, keyValues: [String]?, problem: String) -> SysproBQError {
        let plan = plans[index]
        var excerpt = raw.text(index)
        if excerpt.count > 60 { excerpt = String(excerpt.prefix(60)) + "…" }
        let key: String
        if let keyValues {
            key = zip(entry.keyColumns, keyValues).map { "\($0)='\($1)'" }.joined(separator: ", ")
        } else {
            key = "key not yet read"
        }
        let valueText = raw.kinds[index] == .string || raw.kinds[index] == .number ? " value '\(excerpt)'" : ""
        return SysproBQError(
            .invalidData,
            "\(entry.table) (\(key)) column \(plan.name) (\(plan.sqlType)):\(valueText) \(problem)",
            remedy: "compare the column's type in the catalog with the server's ($metadata or SQL) and override it in "
                + "the configuration if SYSPRO's differs; the row was not staged",
            disposition: .needsHuman
        )
    }
}
