import Common
import Foundation
public import Load
public import Logging
public import SegmentLog

/// Runs the reconciliation: for each staged stream in scope, the manifests' control totals against BigQuery's
/// raw tables and current-state views, queried through `jobs.query`; for the GL, optionally, BigQuery's trial balance
/// against the period balances SYSPRO reports now (``SysproPeriodBalances``).
///
/// The comparisons themselves are ``TotalsComparison`` and ``LineComparison`` (pure); this type only reads the
/// staging log, runs the queries and parses their rows. Thread-safety: not thread-safe; one run at a time.
public struct Reconciler {
    /// Runs one query (``LoadRunner/query(_:)`` in production).
    public typealias Query = (QueryRequest) throws -> QueryResult
    /// SYSPRO's own GL period balances (GenHistory) for one company, read from SYSPRO now.
    public typealias SysproBalances = (_ company: String) throws -> SysproPeriodBalances

    let log: StagingLog
    let query: Query
    let sysproBalances: SysproBalances?
    let logger: Logger

    public init(log: StagingLog, logger: Logger, sysproBalances: SysproBalances? = nil, query: @escaping Query) {
        self.log = log
        self.query = query
        self.sysproBalances = sysproBalances
        self.logger = logger
    }

    /// Reconciles every stream in `scope` and returns the findings, passed and failed.
    /// - Throws: a retryable BigQuery or staging error; a query that fails for good is reported as a finding.
    public func run(_ scope: ReconcileScope) throws -> ReconcileReport {
        var report = ReconcileReport(scope: scope)
        for stream in try log.streams() where scope.table == nil || scope.table == stream.table {
            let manifests = try log.manifests(of: stream).filter { scope.includes($0.businessDates) }
            guard let last = manifests.last else { continue }
            let schema = try log.schema(fingerprint: last.schemaFingerprint, stream: stream)
            let staged = StagedStream(
                company: stream.company,
                table: stream.table,
                amountColumns: schema.amountColumns,
                keyColumns: schema.keyColumns,
                segments: manifests.map(StagedStream.Segment.init)
            )
            do {
                report.findings += try reconcile(staged, manifests: manifests, scope: scope, report: &report)
            } catch let error as SysproBQError where error.disposition != .retryable {
                logger.error("Reconciling a table failed", metadata: ["table": "\(stream)", "error": "\(error)"])
                report.findings.append(
                    ReconcileFinding(
                        table: stream.table,
                        company: stream.company,
                        check: .segment,
                        passed: false,
                        subject: "BigQuery query failed: \(error.message)",
                        expected: "\(staged.segments.count) segments",
                        found: "unknown",
                        difference: "unknown",
                        segments: staged.segments.map(\.sequence)
                    )
                )
            }
        }
        return report
    }

    private func reconcile(
        _ stream: StagedStream,
        manifests: [Manifest],
        scope: ReconcileScope,
        report: inout ReconcileReport
    ) throws -> [ReconcileFinding] {
        let company = [QueryRequest.Parameter(name: "company", type: "STRING", value: stream.company)]
        let raw = scope.reference(stream.table)
        let current = scope.reference(stream.table + "_current")
        let dateLabel = scope.dates.map { "\($0.min)..\($0.max)" }

        // Rows and sums per segment.
        let totals = try query(
            QueryRequest(
                sql: ReconcileSQL.segmentTotals(raw: raw, amountColumns: stream.amountColumns),
                parameters: company
            )
        )
        var loaded: [UInt64: TotalsComparison.LoadedSegment] = [:]
        for row in totals.rows.indices {
            guard let sequence = totals.value(row: row, column: "segment").flatMap({ UInt64($0) }) else { continue }
            var sums: [String: String?] = [:]
            for (index, column) in stream.amountColumns.enumerated() {
                sums[column] = totals.value(row: row, column: "sum_\(index)")
            }
            let count = totals.value(row: row, column: "row_count").flatMap { Int64($0) } ?? 0
            loaded[sequence] = .init(sequence: sequence, rowCount: count, sums: sums)
        }
        // Segments outside the date scope are not compared.
        if scope.dates != nil {
            let inScope = Set(stream.segments.map(\.sequence))
            loaded = loaded.filter { inScope.contains($0.key) }
        }
        report.bigQueryRows["\(stream.company)/\(stream.table)"] = loaded.mapValues(\.rowCount)
        var findings = TotalsComparison.segments(stream, loaded: loaded, period: dateLabel)
        findings += try drillDown(stream, manifests: manifests, loaded: loaded, raw: raw)

        // GL: groups, journals, trial balance.
        if stream.table == "GenTransaction" {
            findings += try reconcileGL(stream, raw: raw, current: current, scope: scope, company: company)
        }

        // No key twice in the current-state view.
        if !stream.keyColumns.isEmpty {
            let duplicates = try query(
                QueryRequest(
                    sql: ReconcileSQL.duplicateKeys(current: current, keyColumns: stream.keyColumns),
                    parameters: company
                )
            )
            let rows = duplicates.rows.indices.map { row in
                (
                    key: stream.keyColumns.indices.map { duplicates.value(row: row, column: "key_\($0)") },
                    copies: duplicates.value(row: row, column: "copies").flatMap { Int64($0) } ?? 0
                )
            }
            findings += TotalsComparison.duplicateKeys(table: stream.table, company: stream.company, duplicates: rows)
        }
        return findings
    }

    /// For each segment present in BigQuery whose count or sums differ, names the rows: lines missing or changed.
    private func drillDown(
        _ stream: StagedStream,
        manifests: [Manifest],
        loaded: [UInt64: TotalsComparison.LoadedSegment],
        raw: String
    ) throws -> [ReconcileFinding] {
        var findings: [ReconcileFinding] = []
        for manifest in manifests {
            guard let copy = loaded[manifest.sequence] else { continue }
            let staged = StagedStream.Segment(manifest)
            let differs =
                copy.rowCount != staged.rowCount
                || stream.amountColumns.contains {
                    TotalsComparison.decimal(staged.amounts[$0]) != TotalsComparison.decimal(copy.sums[$0] ?? nil)
                }
            guard differs else { continue }
            let result = try query(
                QueryRequest(
                    sql: ReconcileSQL.segmentLines(
                        raw: raw,
                        amountColumns: stream.amountColumns,
                        keyColumns: stream.keyColumns
                    ),
                    parameters: [
                        .init(name: "company", type: "STRING", value: stream.company),
                        .init(name: "segment", type: "INT64", value: "\(manifest.sequence)"),
                    ]
                )
            )
            let bigQueryLines = result.rows.indices.compactMap { row -> LineComparison.Line? in
                guard let line = result.value(row: row, column: "line").flatMap({ Int64($0) }) else { return nil }
                var amounts: [String: String?] = [:]
                for (index, column) in stream.amountColumns.enumerated() {
                    amounts[column] = result.value(row: row, column: "sum_\(index)")
                }
                let key = stream.keyColumns.indices.map { result.value(row: row, column: "key_\($0)") }
                return .init(line: line, key: key, amounts: amounts)
            }
            let stagedLines = try readLines(manifest, stream: stream)
            findings += LineComparison.differences(
                table: stream.table,
                company: stream.company,
                segment: manifest.sequence,
                amountColumns: stream.amountColumns,
                staged: stagedLines,
                loaded: bigQueryLines
            )
        }
        return findings
    }

    /// The staged lines of a sealed segment, with their keys and amounts, read back from disk.
    func readLines(_ manifest: Manifest, stream: StagedStream) throws -> [LineComparison.Line] {
        var lines: [LineComparison.Line] = []
        try log.withReader(manifest) { reader in
            try reader.forEachRow { bytes, row in
                let data = Data(bytes)
                guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw SysproBQError(
                        .invalidData,
                        "Line \(row) of segment \(manifest.segmentFileName) is not a JSON object",
                        disposition: .terminal
                    )
                }
                func text(_ name: String) -> String? {
                    switch object[name] {
                    case let string as String: return string
                    case let number as NSNumber: return number.stringValue
                    default: return nil
                    }
                }
                var amounts: [String: String?] = [:]
                for column in stream.amountColumns { amounts[column] = text(column) }
                lines.append(.init(line: row, key: stream.keyColumns.map(text), amounts: amounts))
                return true
            }
        }
        return lines
    }

    private func reconcileGL(
        _ stream: StagedStream,
        raw: String,
        current: String,
        scope: ReconcileScope,
        company: [QueryRequest.Parameter]
    ) throws -> [ReconcileFinding] {
        let staged = TotalsComparison.stagedGroups(stream.segments)
        guard !staged.isEmpty else {
            return [
                ReconcileFinding(
                    table: stream.table,
                    company: stream.company,
                    check: .glGroups,
                    passed: false,
                    subject: "the manifests carry no GL group totals (staged before group totals existed)",
                    expected: "journal and account groups",
                    found: "none",
                    difference: "unknown",
                    segments: stream.segments.map(\.sequence)
                )
            ]
        }
        func groups(_ result: QueryResult, kind: (Int) -> String?, code: String) -> [String: TotalsComparison.Sides] {
            var out: [String: TotalsComparison.Sides] = [:]
            for row in result.rows.indices {
                guard let kind = kind(row), let year = result.value(row: row, column: "year"),
                    let period = result.value(row: row, column: "period"),
                    let code = result.value(row: row, column: code)
                else { continue }
                let name = TotalsComparison.canonicalGroup(kind: kind, year: year, period: period, code: code)
                out[name] = .init(
                    debit: result.value(row: row, column: "debit"),
                    credit: result.value(row: row, column: "credit")
                )
            }
            return out
        }
        let rawGroups = try query(QueryRequest(sql: ReconcileSQL.glGroupTotals(raw: raw), parameters: company))
        let loaded = groups(rawGroups, kind: { rawGroups.value(row: $0, column: "kind") }, code: "code")
        var findings = TotalsComparison.glGroups(
            table: stream.table,
            company: stream.company,
            staged: staged,
            loaded: loaded,
            periods: scope.periods
        )
        findings += TotalsComparison.journalBalance(
            table: stream.table,
            company: stream.company,
            source: "staged",
            journals: staged,
            periods: scope.periods
        )
        let journals = try query(QueryRequest(sql: ReconcileSQL.journalBalances(current: current), parameters: company))
        let current = groups(journals, kind: { _ in "journal" }, code: "journal").mapValues { ($0, [UInt64]()) }
        findings += TotalsComparison.journalBalance(
            table: stream.table,
            company: stream.company,
            source: "BigQuery",
            journals: current,
            periods: scope.periods
        )
        let view = try query(
            QueryRequest(sql: ReconcileSQL.trialBalance(view: scope.reference("gl_trial_balance")), parameters: company)
        )
        let trialBalance = groups(view, kind: { _ in "account" }, code: "code")
        findings += TotalsComparison.trialBalance(
            table: "gl_trial_balance",
            company: stream.company,
            staged: staged,
            view: trialBalance,
            periods: scope.periods
        )
        if let sysproBalances {
            findings += sysproTrialBalance(
                company: stream.company,
                staged: staged,
                view: trialBalance,
                scope: scope,
                fetch: sysproBalances
            )
        }
        return findings
    }

    /// BigQuery's trial balance against SYSPRO's GenHistory, over the staged periods: from the first staged period
    /// to the last, every period either side knows (a period SYSPRO has but the extract missed fails).
    private func sysproTrialBalance(
        company: String,
        staged: [String: (TotalsComparison.Sides, [UInt64])],
        view: [String: TotalsComparison.Sides],
        scope: ReconcileScope,
        fetch: SysproBalances
    ) -> [ReconcileFinding] {
        let stagedPeriods = Set(
            staged.keys.compactMap { TotalsComparison.parseGroup($0) }.filter { $0.kind == "account" }.map(\.period)
        )
        guard let first = stagedPeriods.min(), let last = stagedPeriods.max() else { return [] }
        let balances: SysproPeriodBalances
        do {
            balances = try fetch(company)
        } catch {
            let message = (error as? SysproBQError)?.message ?? "\(error)"
            logger.error(
                "Reading SYSPRO's GL balances failed",
                metadata: ["company": "\(company)", "error": "\(error)"]
            )
            return [
                ReconcileFinding(
                    table: "gl_trial_balance",
                    company: company,
                    check: .sysproBalance,
                    passed: false,
                    subject: "SYSPRO GenHistory could not be read: \(message)",
                    expected: "SYSPRO period balances",
                    found: "none",
                    difference: "unknown"
                )
            ]
        }
        var periods = stagedPeriods.union(balances.periods.filter { $0 >= first && $0 <= last })
        if let only = scope.periods { periods.formIntersection(only) }
        return TotalsComparison.sysproTrialBalance(company: company, syspro: balances, view: view, periods: periods)
    }
}
