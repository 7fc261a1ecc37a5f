/// A COMFND (generic table query) request, read from its `XmlIn` (reference §2.4):
/// `TableName`, `ReturnRows`, `Columns/Column`, `Where/Expression` (`OpenBracket`, `AndOr`,
/// `Column`, `Condition` EQ/NE/GT/GE/LT/LE, `Value`, `CloseBracket`) and `OrderBy/Column`.
struct ComfndQuery {
    let schema: TableSchema
    let returnRows: Int?
    let columns: [Int]
    let columnNames: [String]
    let filter: FilterExpression?
    let orderBy: [Int]
    let orderByNames: [String]

    struct Failure: Error {
        /// The `ERROR: …` body text.
        let text: String
    }

    /// Parses and validates `XmlIn`; dates in `Value` are `yyyy-MM-dd` (or `yyyy/MM/dd`) local dates,
    /// `TimeStamp` values `0x` + 16 hex digits.
    init(xml: String, offsetSeconds: Int) throws(Failure) {
        let root: XMLElement
        do {
            root = try MiniXML.parse(xml)
        } catch {
            throw Failure(text: "ERROR: XmlIn is not valid XML: \(error.message)")
        }
        guard let tableName = root.child("TableName")?.text.trimmingCharacters(in: " "),
            let schema = Catalog.table(tableName)
        else {
            throw Failure(text: "ERROR: Table '\(root.child("TableName")?.text ?? "")' not found")
        }
        self.schema = schema
        if let rows = root.child("ReturnRows")?.text.trimmingCharacters(in: " "), !rows.isEmpty {
            guard let n = Int(rows), n >= 0 else { throw Failure(text: "ERROR: Invalid ReturnRows '\(rows)'") }
            returnRows = n
        } else {
            returnRows = nil
        }
        func column(_ name: String) throws(Failure) -> Int {
            guard let c = schema.position(of: name.trimmingCharacters(in: " ")) else {
                throw Failure(text: "ERROR: Column '\(name)' not found in table '\(schema.name)'")
            }
            return c
        }
        var selected: [Int] = []
        var selectedNames: [String] = []
        for c in root.child("Columns")?.all("Column") ?? [] {
            selected.append(try column(c.text))
            selectedNames.append(c.text.trimmingCharacters(in: " "))
        }
        if selected.isEmpty {
            selected = Array(schema.columns.indices)
        }
        columns = selected
        columnNames = selectedNames
        var order: [Int] = []
        var orderNames: [String] = []
        for c in root.child("OrderBy")?.all("Column") ?? [] {
            order.append(try column(c.text))
            orderNames.append(c.text.trimmingCharacters(in: " "))
        }
        orderBy = order
        orderByNames = orderNames
        var text = ""
        for (n, e) in (root.child("Where")?.all("Expression") ?? []).enumerated() {
            if n > 0 {
                let andOr = (e.child("AndOr")?.text ?? "And").trimmingCharacters(in: " ").lowercased()
                guard andOr == "and" || andOr == "or" else { throw Failure(text: "ERROR: Invalid AndOr '\(andOr)'") }
                text += " \(andOr) "
            }
            let open = (e.child("OpenBracket")?.text ?? "").trimmingCharacters(in: " ")
            let close = (e.child("CloseBracket")?.text ?? "").trimmingCharacters(in: " ")
            text += open
            let c = try column(e.child("Column")?.text ?? "")
            let condition = (e.child("Condition")?.text ?? "EQ").trimmingCharacters(in: " ").uppercased()
            guard ["EQ", "NE", "GT", "GE", "LT", "LE"].contains(condition) else {
                throw Failure(text: "ERROR: Condition '\(condition)' is not supported")
            }
            text += "\(schema.columns[c].name) \(condition.lowercased()) "
            text += try Self.literal(
                e.child("Value")?.text ?? "",
                type: schema.columns[c].type,
                offsetSeconds: offsetSeconds
            )
            text += close
        }
        if text.isEmpty {
            filter = nil
        } else {
            do {
                filter = try FilterParser.parse(text, schema: schema)
            } catch {
                throw Failure(text: "ERROR: Invalid Where clause: \(error.message)")
            }
        }
    }

    /// The OData literal for a COMFND `Value` of a column type.
    static func literal(_ value: String, type: SQLType, offsetSeconds: Int) throws(Failure) -> String {
        switch type {
        case .char, .varchar:
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .decimal:
            let trimmed = value.trimmingCharacters(in: " ").replacingOccurrences(of: ",", with: "")
            guard FilterParser.parseNumber(trimmed) != nil else {
                throw Failure(text: "ERROR: Invalid number '\(value)'")
            }
            return trimmed
        case .datetime:
            let d = value.trimmingCharacters(in: " ").replacingOccurrences(of: "/", with: "-")
            let sign = offsetSeconds < 0 ? "-" : "+"
            let h = abs(offsetSeconds) / 3600
            let m = abs(offsetSeconds) % 3600 / 60
            let text = "\(d)T00:00:00\(sign)\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
            guard FilterParser.parseDateTimeOffset(text) != nil else {
                throw Failure(text: "ERROR: Invalid date '\(value)'")
            }
            return text
        case .timestamp:
            var hex = value.trimmingCharacters(in: " ")
            if hex.hasPrefix("0x") || hex.hasPrefix("0X") { hex = String(hex.dropFirst(2)) }
            guard hex.count == 16, let v = UInt64(hex, radix: 16) else {
                throw Failure(text: "ERROR: Invalid TimeStamp '\(value)'")
            }
            let bytes = (0..<8).reversed().map { UInt8((v >> UInt64($0 * 8)) & 0xFF) }
            return "binary'\(Base64.encode(bytes))'"
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
