import Common
import Foundation
import Testing

@testable import SegmentLog

#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL a real writer process at random instants and check what recovery leaves.
///
/// 20 trials in the normal suite; set `SEGMENTLOG_KILL_TRIALS=200` for a long run:
/// `SEGMENTLOG_KILL_TRIALS=200 swift test --skip-build --filter SegmentLogTests.KillTrialTests`.
@Suite(.serialized) struct KillTrialTests {
    /// The helper executable, built beside the test binary by `swift build --build-tests`.
    static func crashWriterPath() throws -> String {
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = URL(fileURLWithPath: binary).deletingLastPathComponent()
        // On Linux the test binary is `<build>/debug/<package>PackageTests.xctest`, next to the executables.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        let path = directory.appendingPathComponent("segmentlog-crash-writer").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SysproBQError(
                .internalError,
                "segmentlog-crash-writer not found at \(path)",
                remedy: "Run `swift build --build-tests` (it builds the helper) before `swift test --skip-build`.",
                disposition: .terminal
            )
        }
        return path
    }

    /// After each kill: recovery reports exactly the unsealed leftovers, every sealed segment verifies,
    /// every seal the writer reported is present with its rows, the chain is intact, and nothing unsealed
    /// remains visible.
    @Test func killedWriterLeavesOnlyWholeSealedSegments() throws {
        let trials = Int(ProcessInfo.processInfo.environment["SEGMENTLOG_KILL_TRIALS"] ?? "") ?? 20
        let helper = try Self.crashWriterPath()
        let staging = try TestStaging()
        let directory = staging.log.streamDirectory(staging.stream)
        var generator = SystemRandomNumberGenerator()
        var verifiedThrough: UInt64 = 0
        var recoveries = 0
        var reportedSeals: [UInt64: Int64] = [:]
        for trial in 0..<trials {
            let seed = UInt64.random(in: 1...UInt64.max, using: &generator)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: helper)
            process.arguments = [staging.log.root, staging.stream.company, staging.stream.table, "\(seed)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(
                process.terminationReason == .uncaughtSignal,
                "trial \(trial) seed \(seed): the writer exited early"
            )
            for line in printed.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 3, fields[0] == "sealed", let seq = UInt64(fields[1]), let rows = Int64(fields[2]) {
                    reportedSeals[seq] = rows
                }
            }

            // A kill before the writer created the stream directory leaves nothing at all.
            let before = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let sealed = Set(
                before.compactMap { name -> UInt64? in
                    if case .manifest(let seq) = SegmentFileName(parsing: name) { return seq }
                    return nil
                }
            )
            let last = sealed.max() ?? 0
            let leftovers = Set(
                before.filter { name in
                    switch SegmentFileName(parsing: name) {
                    case .segmentTemp, .manifestTemp: return true
                    case .segment(let seq): return !sealed.contains(seq)
                    default: return false
                    }
                }
            )
            let report = try staging.log.recover(staging.stream)
            #expect(Set(report.dropped.map(\.file)) == leftovers, "trial \(trial) seed \(seed)")
            #expect(report.dropped.allSatisfy { SegmentFileName(parsing: $0.file)?.sequence == last + 1 })
            if !report.dropped.isEmpty { recoveries += 1 }

            let after = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            #expect(!after.contains { $0.hasSuffix(".tmp") })
            let manifests = try staging.log.manifests(of: staging.stream)
            #expect(manifests.map(\.sequence) == (last == 0 ? [] : Array(1...last)))
            for (seq, rows) in reportedSeals {
                #expect(manifests.first { $0.sequence == seq }?.rowCount == rows, "seal \(seq) reported but missing")
            }
            if last > verifiedThrough {
                let result = try LogVerifier(log: staging.log).verify(
                    stream: staging.stream,
                    sequences: (verifiedThrough + 1)...last
                )
                #expect(result.findings.isEmpty, "trial \(trial) seed \(seed): \(result.findings)")
                for manifest in manifests where manifest.sequence > verifiedThrough {
                    var rows: Int64 = 0
                    try staging.log.withReader(manifest) { reader in
                        try reader.forEachRow { _, _ in
                            rows += 1
                            return true
                        }
                    }
                    #expect(rows == manifest.rowCount)
                }
                verifiedThrough = last
            }
        }
        #expect(verifiedThrough > 0, "no segment was ever sealed")
        #expect(recoveries > 0, "no trial was killed mid-segment; recovery was never exercised")
    }
}
