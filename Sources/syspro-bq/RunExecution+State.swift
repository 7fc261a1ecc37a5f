import Common
import Foundation
import Logging
import Operator
import SegmentLog

extension RunExecution {
    /// Updates `run-state-<side>.json` for each side the pass holds, so `status` shows every table's last success
    /// and last error after this process has exited. A failure to write it is logged, never fatal: the data
    /// moved, only the history for `status` is behind.
    static func recordRunState(
        _ summary: RunSummary,
        sides: Set<RunLock.Side>,
        configuration: Configuration,
        logger: Logger
    ) {
        let directory = configuration.staging.directory
        guard FileSystem.isDirectory(directory) else { return }
        for side in sides.sorted() {
            do {
                let previous = (try? RunState.read(side: side, directory: directory)) ?? RunState(side: side)
                try previous.updated(with: summary, side: side).write(directory: directory)
            } catch {
                logger.warning(
                    "Could not update the run-state file",
                    metadata: ["path": "\(directory)/\(RunState.fileName(side))", "error": "\(error)"]
                )
            }
        }
    }

    /// `streams` with `lagSeconds` set from the staging log as it is now (docs/operations.md, "Lag"): for extract,
    /// the time since the stream's last successful extract; for load, the age of its oldest pending row. A load
    /// stream covering several companies (`A,B`) gets the largest of their lags.
    static func withLag(
        _ streams: [RunSummary.Stream],
        configuration: Configuration,
        logger: Logger
    ) -> [RunSummary.Stream] {
        guard !streams.isEmpty, FileSystem.isDirectory(configuration.staging.directory) else { return streams }
        let quiet = Logger(label: "syspro-bq.lag", factory: { _ in SwiftLogNoOpLogHandler() })
        let reader: StreamStatusReader
        do {
            reader = StreamStatusReader(log: try StagingLog(root: configuration.staging.directory, logger: quiet))
        } catch {
            logger.warning("Could not read the staging log for the lag", metadata: ["error": "\(error)"])
            return streams
        }
        return streams.map { stream in
            var stream = stream
            var lags: [Double] = []
            for company in stream.company.split(separator: ",").map(String.init) {
                guard let id = try? StreamID(company: company, table: stream.table),
                    FileSystem.isDirectory(reader.log.streamDirectory(id))
                else { continue }
                // An extract's lag needs the run-state file only; reading every manifest and the journal for a
                // load lag it does not report took ~18 ms of a 100k-row extract and grew with the stream's history.
                let lag =
                    stream.stage == .extract
                    ? (try? reader.extractAgeSeconds(of: id)) : (try? reader.status(of: id))?.loadLagSeconds
                if let lag { lags.append(lag) }
            }
            stream.lagSeconds = lags.max()
            return stream
        }
    }
}
