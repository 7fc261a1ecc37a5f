import Foundation
import FuzzTargets
import Testing

/// Replays the committed fuzz corpora (`Tests/FuzzCorpus/<target>/`, crash reproducers included) through the
/// same harness the libFuzzer executables run, in the ordinary debug build: a crash kills the test process, so
/// `swift test` fails on any input that ever crashed a parser.
///
/// Replaying in-process rather than running the libFuzzer binaries with `-runs=0` keeps `make test` free of
/// the separate sanitizer build (minutes on this machine) while still running every committed input; debug
/// builds keep Swift's bounds and overflow checks, which is where a Swift parser traps.
@Suite struct FuzzCorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus").path

    static func corpus(_ target: FuzzTarget) throws -> [String] {
        try FuzzReplay.files(under: ["\(corpusRoot)/\(target.rawValue)"])
    }

    /// Every committed input of every target runs through its harness without a crash or a broken invariant.
    @Test(arguments: FuzzTarget.allCases)
    func corpusReplaysWithoutCrash(_ target: FuzzTarget) throws {
        let files = try Self.corpus(target)
        #expect(files.count >= 3, "the \(target) corpus has \(files.count) inputs")
        for file in files {
            let input = try #require(FileManager.default.contents(atPath: file), "\(file)")
            _ = target.run(Array(input))
        }
    }

    /// No crash input is still open (`crashes/open-*`): each one names a parser defect whose fix has not landed.
    @Test(arguments: FuzzTarget.allCases)
    func noCrashInputIsStillOpen(_ target: FuzzTarget) {
        let open = FuzzReplay.openCrashes(under: "\(Self.corpusRoot)/\(target.rawValue)")
        #expect(open.isEmpty, "\(target) still crashes on: \(open.joined(separator: ", "))")
    }

    /// The `valid-*` seeds are accepted, so the harness really reaches the parser's success path (a harness
    /// that refused everything early would fuzz nothing).
    @Test(arguments: FuzzTarget.allCases)
    func validSeedsAreAccepted(_ target: FuzzTarget) throws {
        let seeds = try Self.corpus(target).filter { ($0 as NSString).lastPathComponent.hasPrefix("valid-") }
        #expect(!seeds.isEmpty, "the \(target) corpus has no valid-* seed")
        for seed in seeds {
            let input = try #require(FileManager.default.contents(atPath: seed), "\(seed)")
            let outcome = target.run(Array(input))
            #expect(outcome.isAccepted, "\(seed): \(outcome)")
        }
    }
}
