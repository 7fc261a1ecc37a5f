import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The bad-input corpus (issue #7, with the CLI error cases of issue #4): each case feeds the built `syspro-bq`
/// one precise piece of bad input — from syspro-sim, fake-bigquery, the configuration, the credentials or the
/// staging log — and proves at CLI level that
/// (a) the error names the thing that is wrong and a remedy, (b) the exit code is the documented one,
/// (c) sealed segments, manifests and schemas keep their bytes and `verify` answers as before,
/// (d) the load journal only grew, and only over rows fake-bigquery holds (pending rows stay pending),
/// (e) no secret reaches stdout or stderr.
///
/// Every case starts from a clone of one staged template (``CorpusTemplate``) with its own servers on 127.0.0.1.
/// docs/reliability.md lists the cases and their exit codes.
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    /// Every case below has a distinct name; a table with a duplicate would hide a case.
    @Test func caseNamesAreDistinct() {
        let names = Self.cases.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count >= 40)
    }

    /// One bad input: the error names it with a remedy, the exit code is documented, nothing sealed or pending is lost,
    /// no secret is printed.
    @Test(.timeLimit(.minutes(3)), arguments: Self.cases)
    func badInput(_ badInput: BadInput) async throws {
        let (rig, child, verifyBefore, before) = try await Self.gated {
            let rig = try Rig("corpus-\(badInput.name)", cloning: try CorpusTemplate.rig())
            do {
                try FileManager.default.copyItem(at: rig.configPath, to: rig.verifyConfiguration)
                try badInput.arrange(rig)
                let verifyBefore = try rig.command(["verify", "--config", rig.verifyConfiguration.path], config: false)
                let before = try StagingEvidence(rig.staging)
                let child = try rig.start(
                    badInput.command.map(rig.expand),
                    config: badInput.usesConfiguration,
                    environment: badInput.environment
                )
                return (rig, child, verifyBefore, before)
            } catch {
                rig.remove()
                throw error
            }
        }
        defer { rig.remove() }
        // Waiting (a retry backoff, say) holds no thread and no place at the gate.
        let deadline = Date().addingTimeInterval(150)
        while child.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Self.gated { try check(badInput, rig, try child.wait(timeout: 1), verifyBefore, before) }
    }

    /// Runs `body` holding a place at the gate.
    private static func gated<Value>(_ body: () throws -> Value) async throws -> Value {
        await CaseGate.shared.enter()
        do {
            let value = try body()
            await CaseGate.shared.leave()
            return value
        } catch {
            await CaseGate.shared.leave()
            throw error
        }
    }

    /// Checks (a) to (e) on one finished command.
    private func check(
        _ badInput: BadInput,
        _ rig: Rig,
        _ result: CommandResult,
        _ verifyBefore: CommandResult,
        _ before: StagingEvidence
    ) throws {
        rig.record(result)
        let shown = Comment(rawValue: "\(result)")

        // (b) the documented exit code, never a crash.
        #expect(!result.signalled, shown)
        #expect(result.status == badInput.exitCode, shown)

        // (a) names the thing that is wrong, and what to do.
        for fragment in badInput.names.map(rig.expand) {
            #expect(result.combined.contains(fragment), "the output does not name '\(fragment)'. \(shown)")
        }
        #expect(result.combined.contains(rig.expand(badInput.remedy)), "no remedy '\(badInput.remedy)'. \(shown)")

        // (c) sealed data untouched, and verify answers as it did before.
        let after = try StagingEvidence(rig.staging)
        for (path, hash) in before.sealed {
            #expect(after.sealed[path] == hash, "\(path) changed or vanished. \(shown)")
        }
        let verifyAfter = try rig.command(["verify", "--config", rig.verifyConfiguration.path], config: false)
        #expect(verifyAfter.status == verifyBefore.status, "verify: \(verifyBefore.status) → \(verifyAfter)")
        #expect(verifyBefore.status == badInput.verifyStatus, "verify before the command: \(verifyBefore)")

        // (d) the journal only grew, and only over rows BigQuery acknowledged and holds.
        for (path, bytes) in before.journals {
            let now = after.journals[path] ?? Data()
            #expect(now.prefix(bytes.count) == bytes, "journal \(path) was rewritten. \(shown)")
        }
        let newlyAcknowledged = after.acknowledgedRows.subtracting(before.acknowledgedRows)
        if badInput.loadsOtherRows {
            #expect(!newlyAcknowledged.isEmpty, "the good pending rows were not loaded beside the bad one. \(shown)")
        }
        if !newlyAcknowledged.isEmpty {
            let landed = try Set(
                CorpusTemplate.tables.flatMap { try rig.fakeRows($0) }.compactMap { row -> String? in
                    guard let table = row["_table"]?.text, let company = row["_company"]?.text,
                        let seq = row["_segment"]?.text, let line = row["_line"]?.text
                    else { return nil }
                    return "\(company)/\(table) \(seq):\(line)"
                }
            )
            let missing = newlyAcknowledged.subtracting(landed)
            #expect(missing.isEmpty, "journal acknowledged rows BigQuery does not hold: \(missing.sorted().prefix(5))")
        }

        // (e) no secret in any output.
        for secret in rig.secrets {
            #expect(!result.combined.contains(secret), "a secret was printed. \(shown)")
        }
    }
}

/// One case of the corpus.
struct BadInput: Sendable, CustomTestStringConvertible {
    /// A short unique name: the row of docs/reliability.md's corpus table.
    var name: String
    /// What the operator runs (`--config` is added unless ``usesConfiguration`` is false).
    var command: [String]
    /// The documented exit code (docs/operations.md).
    var exitCode: Int32
    /// Fragments the output must contain: the thing that is wrong (`{sim}`, `{staging}`… are expanded).
    var names: [String]
    /// A fragment of the remedy.
    var remedy: String
    /// Extra environment for the command.
    var environment: [String: String] = [:]
    var usesConfiguration = true
    /// Whether the command must still load the good pending rows (the bad row is set aside, not the batch).
    var loadsOtherRows = false
    /// `verify`'s exit code once the case is arranged (65 where the case damaged the evidence on purpose).
    var verifyStatus: Int32 = 0
    /// Puts the bad input in place.
    var arrange: @Sendable (Rig) throws -> Void

    var testDescription: String { name }
}

extension Rig {
    /// Replaces `{sim}`, `{fake}`, `{run}`, `{root}`, `{staging}` and `{config}` in an expected fragment or argument.
    func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "{sim}", with: "127.0.0.1:\(simulatorPort)")
            .replacingOccurrences(of: "{fake}", with: "127.0.0.1:\(fakePort)")
            .replacingOccurrences(of: "{staging}", with: staging.path)
            .replacingOccurrences(of: "{config}", with: configPath.path)
            .replacingOccurrences(of: "{run}", with: run.path)
            .replacingOccurrences(of: "{root}", with: root.path)
    }

    /// A copy of the configuration made before the case spoils it, for running `verify` before and after.
    var verifyConfiguration: URL { run.appendingPathComponent("verify-only.toml") }

    /// What must never be printed: the SYSPRO password and its Basic-auth form, the master key, the private key.
    var secrets: [String] {
        let basic = Data("\(Self.operatorCode):\(options.sysproPassword)".utf8).base64EncodedString()
        let masterKey = (try? String(contentsOf: run.appendingPathComponent("syspro-bq.key"), encoding: .utf8)) ?? ""
        return [options.sysproPassword, basic, masterKey.trimmingCharacters(in: .whitespacesAndNewlines)]
            + privateKeyLines
    }
}
