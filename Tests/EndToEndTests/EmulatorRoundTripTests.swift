import Foundation
import Testing

extension EndToEnd {
    /// How syspro-bq sends rows to bqemulator: insertAll, or one load job per segment staged through a `gs://`
    /// URI that the emulator maps to a local directory (it cannot read gzip upload bodies; bigquery.md B3).
    enum EmulatorLoadMode: String, CaseIterable, CustomTestStringConvertible {
        case insertAll
        case loadJob

        var testDescription: String { rawValue }
    }

    /// Through bqemulator and read back with Google's Python client, every `<table>_current` view equals the
    /// simulator's truth (NUMERIC digit for digit, keys byte for byte), after the first load and after a round of
    /// changes.
    @Test(.timeLimit(.minutes(4)), arguments: EmulatorLoadMode.allCases)
    func emulatorViewsMatchSimulator(_ mode: EmulatorLoadMode) throws {
        _ = try Paths.venvPython()
        var options = Rig.Options(bigQuery: .emulator)
        options.bigQuerySettings = ["load_mode = \"\(mode.rawValue)\""]
        if mode == .loadJob { options.bigQuerySettings += ["gcs_staging_uri = \"gs://e2e-staging/syspro-bq\""] }
        let rig = try Rig("emulator-\(mode.rawValue)", options)
        defer { rig.remove() }
        if mode == .loadJob {
            // gcs_local_root is the emulator's BQEMU_GCS_LOCAL_ROOT, known once the emulator runs.
            let root = rig.root.appendingPathComponent("bqemulator/gcs").path
            try rig.appendToSection("bigquery", "gcs_local_root = \"\(root)\"")
        }
        try rig.extract()
        try rig.load()
        Self.expectNoDifferences(try rig.differences(), "first load (\(mode.rawValue))")

        var seen = try Self.truthKeys(rig)
        try rig.advance(steps: 40)
        try rig.extract()
        try rig.load()
        let vanished = Self.vanished(since: &seen, now: try Self.truthKeys(rig))
        let differences = Self.tolerating(vanished, in: try rig.differences())
        Self.expectNoDifferences(differences, "after a round of changes (\(mode.rawValue))")
    }
}
