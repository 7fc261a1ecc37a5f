import Common
import Extract
import Foundation
import Logging
import Operator
import SegmentLog
import Stage

/// `extract`: SYSPRO → staging log, one stream (company, table) at a time.
enum ExtractPipeline {
    static func run(_ context: RunContext, _ request: Pipeline.ExtractRequest) throws(SysproBQError) {
        let configuration = context.configuration
        let catalog = try PipelineCatalog.make(configuration)
        let tables = PipelineCatalog.selectedTables(configuration, catalog: catalog, requested: request.tables)
        let companies = request.company.map { [$0] } ?? configuration.syspro.companies
        let log = try Pipeline.openLog(configuration, logger: context.logger)
        var firstFailure: SysproBQError?

        for company in companies {
            let source: any SourceReader
            do {
                source = try makeSource(context, company: company)
            } catch {
                let failure = Pipeline.classify(error, doing: "connecting to SYSPRO for company \(company)")
                Pipeline.recordFailure(failure, company: company, tables: tables, stage: .extract, context)
                throw failure
            }
            for table in tables {
                if context.cancellation.isCancelled { break }
                let started = Date()
                let entry: CatalogEntry
                do {
                    entry = try catalog.entry(for: table)
                } catch {
                    throw Pipeline.classify(error, doing: "looking up table \(table)")
                }
                let options = StageOptions(
                    segmentMaxRows: configuration.staging.segmentMaxRows,
                    segmentMaxBytes: configuration.staging.segmentMaxBytes,
                    gzipLevel: Int32(configuration.staging.gzipLevel),
                    sweepEveryRuns: PipelineCatalog.sweepEveryRuns(configuration, table: table)
                )
                let cancellation = context.cancellation
                // The business date the backfill's first page reached: where its ETA starts counting.
                var firstReached: String?
                let today = BusinessDate(String(Timestamp.rfc3339(Date()).prefix(10)))
                let runner = StageRunner(
                    log: log,
                    source: source,
                    options: options,
                    logger: context.logger,
                    isCancelled: { cancellation.isCancelled },
                    onPage: { [progress = context.progress, window = request.window] result in
                        if firstReached == nil { firstReached = result.highestCursorRead }
                        progress.update(
                            .init(
                                table: table,
                                company: company,
                                rows: result.rowsRead,
                                pages: result.pages,
                                segments: result.segmentsSealed,
                                // A backfill reads in business-date order: how far it reached gives the ETA.
                                expectedRows: window?.expectedRows(
                                    rowsSoFar: result.rowsRead,
                                    first: firstReached,
                                    reached: result.highestCursorRead,
                                    today: today
                                )
                            )
                        )
                    }
                )
                let mode: StageRunner.Mode =
                    request.window.map { .backfill(from: $0.from.description, through: $0.to.description) }
                    ?? .incremental
                context.progress.update(.init(table: table, company: company, rows: 0, pages: 0, segments: 0))
                do {
                    let result = try runner.run(entry: entry, company: company, runID: context.runID, mode: mode)
                    context.recorder.record(
                        RunSummary.Stream(
                            company: company,
                            table: table,
                            stage: .extract,
                            rows: result.rowsStaged + result.tombstones,
                            tombstones: result.tombstones,
                            segments: result.segmentsSealed,
                            pages: result.pages,
                            retries: result.retries,
                            elapsedSeconds: Date().timeIntervalSince(started),
                            // Not a failure (errors stays 0), but not a complete read either: status shows it
                            // as the table's last error until an extract of the table completes.
                            error: result.interrupted
                                ? "interrupted at a safe point; the rows read were sealed and the next run continues"
                                : nil,
                            errorCode: result.interrupted ? SysproBQError.Code.interrupted.rawValue : nil
                        )
                    )
                    context.logger.info(
                        "Stream extracted",
                        metadata: [
                            "stream": "\(company)/\(table)", "extract.mode": "\(result.mode)",
                            "rows.read": "\(result.rowsRead)", "rows.staged": "\(result.rowsStaged)",
                            "rows.unchanged": "\(result.rowsUnchanged)", "rows.tombstones": "\(result.tombstones)",
                            "segments.sealed": "\(result.segmentsSealed)", "cursor": "\(result.cursorAfter ?? "-")",
                        ]
                    )
                } catch {
                    let failure = Pipeline.classify(error, doing: "extracting \(company)/\(table)")
                    context.recorder.update(company: company, table: table, stage: .extract) { stream in
                        stream.errors += 1
                        stream.error = failure.description
                        stream.errorCode = failure.code.rawValue
                        stream.elapsedSeconds = Date().timeIntervalSince(started)
                    }
                    context.logger.error(
                        "Stream extract failed",
                        metadata: ["stream": "\(company)/\(table)", "error": "\(failure.description)"]
                    )
                    // A credential or lock problem repeats on every table: stop at once.
                    if failure.code == .credentials || failure.code == .locked { throw failure }
                    if firstFailure == nil { firstFailure = failure }
                }
            }
        }
        if let firstFailure { throw firstFailure }
        try context.cancellation.throwIfCancelled(during: "extract")
    }

    /// The OData or e.net source for one company, with the stored credentials.
    static func makeSource(_ context: RunContext, company: String) throws -> any SourceReader {
        let configuration = context.configuration
        let syspro = configuration.syspro
        let password = try context.credentials.secret(.sysproPassword).stringValue
        let operatorCode = syspro.operatorCode ?? ""
        let timeout = Double(syspro.timeoutSeconds)
        let http = HTTPClientConfiguration(connectTimeout: 15, totalTimeout: timeout, caBundlePath: syspro.caBundle)
        switch syspro.source {
        case .odata:
            let odata = ODataConfiguration(
                serviceRoot: syspro.odataURL ?? "",
                operatorName: operatorCode,
                password: password,
                entityPathTemplate: syspro.odataPathTemplate,
                pageSize: syspro.pageSize,
                requestTimeout: timeout,
                caBundlePath: syspro.caBundle,
                pagingMode: syspro.allowSkipPaging ? .skip : .keyset,
                timeZone: syspro.timeZone,
                maximumConcurrentRequests: syspro.concurrency
            )
            let transport = try CurlHTTPClient(configuration: http, logger: context.logger)
            return try ODataSource(configuration: odata, transport: transport, logger: context.logger)
        case .enet:
            let companyPassword = try context.credentials.companyPassword(for: company)?.stringValue ?? ""
            let enet = ENetConfiguration(
                baseURL: syspro.enetURL ?? "",
                operatorName: operatorCode,
                operatorPassword: password,
                companyId: company,
                companyPassword: companyPassword,
                requestTimeout: timeout,
                caBundlePath: syspro.caBundle,
                maximumConcurrentRequests: syspro.concurrency
            )
            let transport = try CurlHTTPClient(configuration: http, logger: context.logger)
            return try ENetSource(configuration: enet, transport: transport, logger: context.logger)
        }
    }
}
