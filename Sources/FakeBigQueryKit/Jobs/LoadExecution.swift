import Common

/// Runs a load job against the store: reads NDJSON (gzip detected by its magic bytes), validates every
/// line, and appends all rows at once or none.
///
/// Called with the fake's lock held.
enum LoadExecution {
    /// The gzip magic bytes (RFC 1952 §2.3.1).
    static let gzipMagic: [UInt8] = [0x1F, 0x8B]

    static func run(job: LoadJob, state: inout FakeState, project: String, nowMs: Int64) -> LoadJob.Outcome {
        if let sourceError = job.sourceError { return failure(reason: "notFound", message: sourceError) }
        let load = job.configuration["load"] ?? .emptyObject
        guard let destination = load["destinationTable"], let datasetId = destination["datasetId"]?.stringValue,
            let tableId = destination["tableId"]?.stringValue
        else { return failure(reason: "invalid", message: "Required parameter is missing: destinationTable") }
        let tableName = "\(project):\(datasetId).\(tableId)"
        let format = load["sourceFormat"]?.stringValue ?? "CSV"
        guard format == "NEWLINE_DELIMITED_JSON" else {
            return failure(
                reason: "invalid",
                message: "fake-bigquery loads sourceFormat NEWLINE_DELIMITED_JSON only, not \(format)"
            )
        }
        guard state.datasets[datasetId] != nil else {
            return failure(reason: "notFound", message: "Not found: Dataset \(project):\(datasetId)")
        }
        let key = TableKey(datasetId: datasetId, tableId: tableId)
        var table: StoredTable
        if let existing = state.tables[key] {
            table = existing
        } else {
            guard load["createDisposition"]?.stringValue != "CREATE_NEVER" else {
                return failure(reason: "notFound", message: "Not found: Table \(tableName)")
            }
            guard let schema = load["schema"] else {
                return failure(reason: "invalid", message: "No schema specified on job or table.")
            }
            switch SchemaParser.parseFields(schema["fields"]) {
            case .failure(let error): return failure(reason: "invalid", message: error.message)
            case .success(let fields):
                table = StoredTable(
                    datasetId: datasetId,
                    tableId: tableId,
                    fields: fields,
                    viewQuery: nil,
                    creationTimeMs: nowMs,
                    lastModifiedTimeMs: nowMs,
                    resource: .emptyObject
                )
            }
        }
        guard !table.isView else { return failure(reason: "invalid", message: "\(tableName) is a view") }
        if state.tables[key] != nil, let schema = load["schema"] {
            switch SchemaParser.parseFields(schema["fields"]) {
            case .failure(let error): return failure(reason: "invalid", message: error.message)
            case .success(let proposed):
                if let message = schemaChangeProblem(table: table, proposed: proposed, load: load, tableName: tableName)
                {
                    return failure(reason: "invalid", message: message)
                }
                table.fields = proposed
            }
        }
        let validator = RowValidator(
            fields: table.fields,
            ignoreUnknownValues: load["ignoreUnknownValues"]?.boolValue ?? false
        )
        let maxBadRecords = load["maxBadRecords"]?.integerValue ?? 0
        var outcome = LoadJob.Outcome()
        var rows: [String] = []
        var totalLines = 0
        for source in job.sources {
            let data: [UInt8]
            if source.bytes.starts(with: gzipMagic) {
                do {
                    data = try Gzip.decompress(source.bytes)
                } catch {
                    return failure(
                        reason: "invalid",
                        message: "Error while reading data, error message: gzip data in \(source.name) is corrupt"
                    )
                }
            } else {
                data = source.bytes
            }
            for line in NDJSONLines(data) {
                totalLines += 1
                let problem: String
                do {
                    switch validator.validate(try JSONParser.parse(Array(line.bytes))) {
                    case .success(let stored):
                        rows.append(stored.rendered)
                        continue
                    case .failure(let rejection):
                        problem = rejection.problems.map(\.message).joined(separator: "; ")
                    }
                } catch {
                    problem = "Parser terminated before end of string: \(error.message)"
                }
                outcome.badRecords += 1
                outcome.errors.append(
                    .object([
                        ("reason", .string("invalid")),
                        ("location", .string("\(source.name) line \(line.number)")),
                        (
                            "message",
                            .string(
                                "Error while reading data, error message: JSON parsing error in row starting at "
                                    + "position \(line.offset) (line \(line.number) of \(source.name)): \(problem)"
                            )
                        ),
                    ])
                )
            }
        }
        if outcome.badRecords > maxBadRecords {
            let first = outcome.errors.first?["message"]?.stringValue ?? ""
            outcome.errorResult = .object([
                ("reason", .string("invalid")),
                (
                    "message",
                    .string(
                        "Error while reading data, error message: JSON table encountered too many errors, giving up. "
                            + "Rows: \(totalLines); errors: \(outcome.badRecords). First: \(first)"
                    )
                ),
            ])
            return outcome
        }
        if load["writeDisposition"]?.stringValue == "WRITE_EMPTY" && !table.rows.isEmpty {
            return failure(reason: "duplicate", message: "Already Exists: Table \(tableName)")
        }
        table.lastModifiedTimeMs = nowMs
        // Dropped from the dictionary first so appending does not copy every stored row (copy-on-write).
        state.tables[key] = nil
        switch load["writeDisposition"]?.stringValue ?? "WRITE_APPEND" {
        case "WRITE_TRUNCATE", "WRITE_TRUNCATE_DATA": table.rows = rows
        default: table.rows.append(contentsOf: rows)
        }
        state.tables[key] = table
        state.statistics.rowsStoredByTable[key.description, default: 0] += rows.count
        outcome.outputRows = rows.count
        outcome.outputBytes = rows.reduce(0) { $0 + $1.utf8.count }
        return outcome
    }

    /// Whether a load's `schema` may replace the table's: WRITE_TRUNCATE replaces it outright; otherwise
    /// new columns need `ALLOW_FIELD_ADDITION` and REQUIRED → NULLABLE needs `ALLOW_FIELD_RELAXATION`
    /// (JobConfigurationLoad.schemaUpdateOptions), on top of the tables.patch rules.
    private static func schemaChangeProblem(
        table: StoredTable,
        proposed: [FieldSchema],
        load: JSONValue,
        tableName: String
    ) -> String? {
        let disposition = load["writeDisposition"]?.stringValue ?? "WRITE_APPEND"
        if disposition == "WRITE_TRUNCATE" || proposed == table.fields { return nil }
        let options = Set(load["schemaUpdateOptions"]?.arrayElements?.compactMap(\.stringValue) ?? [])
        if let error = SchemaEvolution.check(current: table.fields, proposed: proposed, tableName: tableName) {
            return error.message
        }
        let prefix = "Provided Schema does not match Table \(tableName)."
        if proposed.count > table.fields.count && !options.contains("ALLOW_FIELD_ADDITION") {
            return "\(prefix) Cannot add fields (field: \(proposed[table.fields.count].name))"
        }
        for (old, new) in zip(table.fields, proposed) where old.mode != new.mode {
            if !options.contains("ALLOW_FIELD_RELAXATION") {
                return "\(prefix) Field \(old.name) has changed mode from \(old.mode.rawValue) to \(new.mode.rawValue)"
            }
        }
        return nil
    }

    private static func failure(reason: String, message: String) -> LoadJob.Outcome {
        let error = JSONValue.object([("reason", .string(reason)), ("message", .string(message))])
        return LoadJob.Outcome(errorResult: error, errors: [error])
    }
}

/// The non-blank lines of an NDJSON buffer, with 1-based line numbers and byte offsets; a trailing `\r`
/// is dropped.
struct NDJSONLines: Sequence {
    struct Line {
        let number: Int
        let offset: Int
        let bytes: ArraySlice<UInt8>
    }

    let data: [UInt8]

    init(_ data: [UInt8]) { self.data = data }

    func makeIterator() -> AnyIterator<Line> {
        var start = 0
        var number = 0
        return AnyIterator {
            while start < data.count {
                let end = data[start...].firstIndex(of: 0x0A) ?? data.count
                number += 1
                var slice = data[start..<end]
                let offset = start
                start = end + 1
                if slice.last == 0x0D { slice = slice.dropLast() }
                if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return Line(number: number, offset: offset, bytes: slice)
            }
            return nil
        }
    }
}
