import Common
import Extract
import Foundation
import Load
import Logging
import Operator
import SegmentLog

/// `load` and `replay`: staging log → BigQuery.
enum LoadPipeline {
    static func run(_ context: RunContext, _ request: Pipeline.LoadRequest) throws(SysproBQError) {
        let started = Date()
        let log = try Pipeline.openLog(context.configuration, logger: context.logger)
        let runner = try makeRunner(context, log: log)
        let streams: [StreamID]
        do throws(any Error) {
            streams = try log.streams().filter { request.tables.isEmpty || request.tables.contains($0.table) }
        } catch {
            throw Pipeline.classify(error, doing: "listing the staging streams")
        }
        let cancellation = context.cancellation
        let summary: LoadSummary
        do throws(any Error) {
            summary = try runner.load(
                streams: streams,
                options: LoadRunner.Options(shouldStop: { cancellation.isCancelled })
            )
        } catch {
            let failure = Pipeline.classify(error, doing: "loading BigQuery")
            for stream in streams {
                Pipeline.recordFailure(failure, company: stream.company, tables: [stream.table], stage: .load, context)
            }
            throw failure
        }
        for table in summary.tables {
            let failure = summary.failures.first { $0.table == table.table }
            context.recorder.record(
                RunSummary.Stream(
                    company: companies(of: table.table, in: streams),
                    table: table.table,
                    stage: .load,
                    rows: table.rowsAcknowledged,
                    segments: table.segmentsLoaded,
                    pages: table.requests,
                    retries: table.retries.values.reduce(0, +),
                    errors: failure == nil ? 0 : 1,
                    quarantinedRows: table.rowsQuarantined,
                    elapsedSeconds: table.elapsedSeconds,
                    error: failure.map { "\($0.error)" },
                    errorCode: failure?.error.code.rawValue
                )
            )
        }
        context.logger.info("Load finished", metadata: ["summary": "\(summary.oneLine)"])
        _ = started
        if let failure = summary.failures.first {
            throw Pipeline.classify(failure.error, doing: "loading \(failure.table)")
        }
        try context.cancellation.throwIfCancelled(during: "load")
    }

    static func replay(_ context: RunContext, _ request: Pipeline.ReplayRequest) throws(SysproBQError) {
        let log = try Pipeline.openLog(context.configuration, logger: context.logger)
        let runner = try makeRunner(context, log: log)
        let companies = request.company.map { [$0] } ?? context.configuration.syspro.companies
        for company in companies {
            let stream: StreamID
            do {
                stream = try StreamID(company: company, table: request.table)
            } catch {
                throw Pipeline.classify(error, doing: "naming the stream \(company)/\(request.table)")
            }
            guard FileSystem.isDirectory(log.streamDirectory(stream)) else { continue }
            do {
                let summary = try runner.replay(
                    stream: stream,
                    from: request.window.from.description,
                    to: request.window.to.description,
                    dryRun: request.dryRun
                )
                print(summary.text(stream: stream, dryRun: request.dryRun))
                let rows = summary.segments.reduce(0) { $0 + $1.rowsInRange }
                context.recorder.update(company: company, table: request.table, stage: .load) { entry in
                    entry.rows += rows
                    entry.segments += summary.segments.count
                }
            } catch {
                throw Pipeline.classify(error, doing: "replaying \(stream)")
            }
        }
    }

    static func makeRunner(_ context: RunContext, log: StagingLog) throws(SysproBQError) -> LoadRunner {
        do throws(any Error) {
            let keyJSON = try context.credentials.secret(.serviceAccount).withBytes { Array($0) }
            let loadConfiguration = try bigQueryConfiguration(context)
            let logger = context.logger
            return try LoadRunner(
                configuration: loadConfiguration,
                serviceAccountKeyJSON: keyJSON,
                log: log,
                logger: logger,
                makeTransport: { try CurlHTTPClient(logger: logger) }
            )
        } catch {
            throw Pipeline.classify(error, doing: "preparing the BigQuery loader")
        }
    }

    /// The Load target's configuration from `[bigquery]` and the per-table settings.
    static func bigQueryConfiguration(_ context: RunContext) throws -> BigQueryConfiguration {
        let configuration = context.configuration
        let bigQuery = configuration.bigQuery
        let catalog = try PipelineCatalog.make(configuration)
        var tables: [String: TableOptions] = [:]
        for table in catalog.tables {
            let entry = try catalog.entry(for: table)
            let configured = configuration.tables.first { $0.name == table }
            let mode = (configured?.loadMode ?? bigQuery.loadMode) == .loadJob ? TableOptions.Mode.loadJob : .streaming
            tables[table] = TableOptions(mode: mode, partitioning: partitioning(entry.partitioning))
        }
        return BigQueryConfiguration(
            projectID: bigQuery.project ?? "",
            datasetID: bigQuery.dataset ?? "",
            location: bigQuery.location,
            apiBaseURL: bigQuery.apiURL,
            tokenURI: bigQuery.tokenURI,
            allowInsecureLocalEndpoints: bigQuery.allowInsecureLocalEndpoints,
            tablePrefix: bigQuery.tablePrefix,
            defaultTableOptions: TableOptions(mode: bigQuery.loadMode == .loadJob ? .loadJob : .streaming),
            tables: tables,
            maxRowsPerRequest: bigQuery.batchRows,
            concurrency: bigQuery.inFlight,
            gcsStagingURI: bigQuery.gcsStagingURI,
            gcsLocalRoot: bigQuery.gcsLocalRoot
        )
    }

    private static func partitioning(_ partitioning: Extract.Partitioning) -> TableOptions.Partitioning {
        switch partitioning {
        case .column(_, let granularity): return .businessDate(granularity == .day ? .day : .month)
        case .ingestion(let granularity): return .ingestionTime(granularity == .day ? .day : .month)
        }
    }

    private static func companies(of table: String, in streams: [StreamID]) -> String {
        streams.filter { $0.table == table }.map(\.company).sorted().joined(separator: ",")
    }
}

extension ReplaySummary {
    func text(stream: StreamID, dryRun: Bool) -> String {
        let rows = segments.reduce(0) { $0 + $1.rowsInRange }
        var lines = [
            "\(dryRun ? "would replay" : "replayed") \(stream): \(segments.count) segments, \(rows) rows in range"
        ]
        for segment in segments {
            lines.append("  segment \(segment.sequence): \(segment.rowsInRange) of \(segment.rowCount) rows")
        }
        return lines.joined(separator: "\n")
    }
}
