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

    private struct Plan {
        let name: String
        let sqlType: SQLType
        let kind: Kind
        let nullable: Bool
        /// `"Name":` or `,"Name":`.
        let prefix: [UInt8]
    }

    let entry: CatalogEntry
    private let plans: [Plan]
    private let keyIndices: [Int]
    private let rowVersionIndex: Int?
    private let businessDateIndex: Int?
    private let amountIndices: [Int]
    private var output: [UInt8] = []
    /// Reused for the normalised text of keys, amounts and the business date (one row at a time).
    private var scratch: [UInt8] = []

    init(entry: CatalogEntry) {
        self.entry = entry
        var plans: [Plan] = []
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
            var prefix: [UInt8] = []
            if case .rowVersion = kind {
            } else {
                if !first { prefix.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendString(column.name, to: &prefix)
                prefix.append(UInt8(ascii: ":"))
            }
            plans.append(
                Plan(name: column.name, sqlType: column.sqlType, kind: kind, nullable: column.nullable, prefix: prefix)
            )
        }
        self.plans = plans
        let index = { (name: String) in entry.columns.firstIndex(where: { $0.name == name })! }
        keyIndices = entry.keyColumns.map(index)
        rowVersionIndex = entry.columns.firstIndex(where: \.isRowVersion)
        businessDateIndex = entry.businessDateColumn.map(index)
        amountIndices = entry.amountColumns.map(index)
        output.reserveCapacity(1024)
    }

    /// The index of `name` in the entry's columns.
    func columnIndex(_ name: String) -> Int? { entry.columns.firstIndex(where: { $0.name == name }) }

    /// Renders `raw`.
    ///
    /// - Throws: `SysproBQError` `.invalidData` naming table, key and column.
    mutating func build(_ raw: RawRow) throws(SysproBQError) -> SourceRow {
        var keyValues: [String] = []
        keyValues.reserveCapacity(keyIndices.count)
        for index in keyIndices {
            switch raw.kinds[index] {
            case .string:
                // String keys are the common case: no normalisation, no scratch buffer.
                if case .string = plans[index].kind {
                    keyValues.append(raw.text(index))
                } else {
                    keyValues.append(try normalizedText(raw, index, keyValues: nil))
                }
            case .number:
                keyValues.append(try normalizedText(raw, index, keyValues: nil))
            default:
                throw invalid(
                    index,
                    raw: raw,
                    keyValues: nil,
                    problem: "is \(describe(raw.kinds[index])); key columns are never NULL"
                )
            }
        }
        output.removeAll(keepingCapacity: true)
        var rowVersion: String?
        for index in plans.indices {
            let plan = plans[index]
            if case .rowVersion = plan.kind {
                rowVersion = try rowVersionText(raw, index, keyValues: keyValues)
                continue
            }
            output.append(contentsOf: plan.prefix)
            try appendValue(raw, index, plan: plan, keyValues: keyValues)
        }
        var businessDate: String?
        if let businessDateIndex, raw.kinds[businessDateIndex] == .string {
            businessDate = try normalizedText(raw, businessDateIndex, keyValues: keyValues, dateOnly: true)
        }
        var amounts: [String?] = []
        amounts.reserveCapacity(amountIndices.count)
        for index in amountIndices {
            switch raw.kinds[index] {
            case .string, .number: amounts.append(try normalizedText(raw, index, keyValues: keyValues))
            default: amounts.append(nil)
            }
        }
        // A copy of exactly the row's bytes: handing over `output` itself would share its buffer, so the next
        // row's `removeAll(keepingCapacity:)` would allocate a fresh 1 KB+ buffer and every staged row would
        // keep one (a page of 5,000 rows held ~5 MB instead of ~2).
        let count = output.count
        let columnsJSON = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            output.withUnsafeBufferPointer { source in
                if let base = source.baseAddress, count > 0 { buffer.baseAddress!.initialize(from: base, count: count) }
            }
            initialized = count
        }
        return SourceRow(
            columnsJSON: columnsJSON,
            keyValues: keyValues,
            rowVersion: rowVersion,
            businessDate: businessDate,
            amounts: amounts
        )
    }

    private mutating func appendValue(
        _ raw: RawRow,
        _ index: Int,
        plan: Plan,
        keyValues: [String]
    ) throws(SysproBQError) {
        let kind = raw.kinds[index]
        switch kind {
        case .absent, .null:
            guard plan.nullable else {
                throw invalid(
                    index,
                    raw: raw,
                    keyValues: keyValues,
                    problem: "is \(describe(kind)) but the column is NOT NULL"
                )
            }
            output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
            return
        case .boolTrue, .boolFalse:
            guard case .bool = plan.kind else {
                throw invalid(
                    index,
                    raw: raw,
                    keyValues: keyValues,
                    problem: "is a JSON boolean but the column is \(plan.sqlType)"
                )
            }
            output.append(contentsOf: kind == .boolTrue ? Array("true".utf8) : Array("false".utf8))
            return
        case .string, .number:
            break
        }
        switch plan.kind {
        case .string:
            raw.withBytes(index) { JSONText.appendString($0, to: &output) }
        case .bool:
            let text = raw.text(index).lowercased()
            switch text {
            case "true", "1", "y": output.append(contentsOf: Array("true".utf8))
            case "false", "0", "n": output.append(contentsOf: Array("false".utf8))
            default:
                throw invalid(index, raw: raw, keyValues: keyValues, problem: "is not a boolean")
            }
        case .decimal, .integer, .date:
            output.append(UInt8(ascii: "\""))
            if let problem = Self.appendNormalized(raw, index, kind: plan.kind, to: &output, dateOnly: false) {
                throw invalid(index, raw: raw, keyValues: keyValues, problem: problem)
            }
            output.append(UInt8(ascii: "\""))
        case .rowVersion:
            break
        }
    }

    /// Appends the normalised text (no quotes) of a decimal, integer or date value; returns the problem.
    ///
    /// Static, so that appending to the builder's own buffer never copies the builder (and with it the buffer).
    private static func appendNormalized(
        _ raw: RawRow,
        _ index: Int,
        kind: Kind,
        to target: inout [UInt8],
        dateOnly: Bool
    ) -> String? {
        let isNumber = raw.kinds[index] == .number
        return raw.withBytes(index) { bytes -> String? in
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
    }

    private mutating func normalizedText(
        _ raw: RawRow,
        _ index: Int,
        keyValues: [String]?,
        dateOnly: Bool = false
    ) throws(SysproBQError) -> String {
        scratch.removeAll(keepingCapacity: true)
        let kind = plans[index].kind
        if let problem = Self.appendNormalized(raw, index, kind: kind, to: &scratch, dateOnly: dateOnly) {
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
