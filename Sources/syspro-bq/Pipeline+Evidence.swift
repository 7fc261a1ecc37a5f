import Common
import Foundation
import Logging
import Operator
import SegmentLog

/// `verify`, `archive` and `status`: commands that read the staging log and need no credentials.
enum EvidencePipeline {
    static func verify(
        _ configuration: Configuration,
        logger: Logger,
        _ request: Pipeline.VerifyRequest
    ) throws(SysproBQError) -> Pipeline.VerifyResult {
        do throws(any Error) {
            let log = try Pipeline.openLog(configuration, logger: logger)
            let verifier = LogVerifier(log: log, archiveDirectory: request.archiveDirectory)
            var result = Pipeline.VerifyResult(segmentsChecked: 0, problems: [])
            let dates = request.window.map { (from: $0.from.description, to: $0.to.description) }
            for stream in try log.streams() where request.table.map({ $0 == stream.table }) ?? true {
                let report = try verifier.verify(stream: stream, businessDates: dates)
                result.segmentsChecked += report.segmentsChecked
                for finding in report.findings where finding.severity == .error {
                    result.problems.append("\(finding)")
                }
            }
            return result
        } catch {
            throw Pipeline.classify(error, doing: "verifying the staging log")
        }
    }

    static func archive(
        _ configuration: Configuration,
        logger: Logger,
        _ request: Pipeline.ArchiveRequest
    ) throws(SysproBQError) -> Pipeline.ArchiveResult {
        do throws(any Error) {
            let log = try Pipeline.openLog(configuration, logger: logger)
            let report = try log.archive(olderThan: request.olderThanDays, to: request.destination)
            return Pipeline.ArchiveResult(
                segmentsMoved: report.moved.count,
                bytesMoved: report.moved.reduce(0) { $0 + $1.bytes }
            )
        } catch {
            throw Pipeline.classify(error, doing: "archiving segments")
        }
    }

    static func streamStatus(_ configuration: Configuration) throws(SysproBQError) -> [StatusReport.Stream] {
        let logger = Logger(label: "syspro-bq.status", factory: { _ in SwiftLogNoOpLogHandler() })
        let log = try Pipeline.openLog(configuration, logger: logger)
        return try StreamStatusReader(log: log).all()
    }
}
