public import Common

/// The exit codes of syspro-bq, chosen in one place so a scheduler can tell "rerun later" from "a person must
/// act" (STYLE.md §10). docs/operations.md documents the same table; keep the two in step.
///
/// Values follow BSD `sysexits.h` where one fits. The codes a scheduler most needs to tell apart are distinct:
/// 75 (retry later), 69 (needs a human), 73 (another run holds the lock), 65 (data quarantined or damaged).
public enum ExitCodes {
    /// The run did what it was asked.
    public static let success: Int32 = 0
    /// `EX_DATAERR`: the run finished, but rows were quarantined, or `verify` found damage in the evidence.
    public static let dataError: Int32 = 65
    /// `EX_USAGE`: a flag or argument is wrong (argument-parser's `ValidationError` also exits with it).
    public static let usage: Int32 = 64
    /// `EX_UNAVAILABLE`: needs a human — a service refused the credentials or permissions, a credential cannot be
    /// decrypted, sealed data is corrupt, the disk is full. Rerunning unchanged will fail the same way.
    public static let needsHuman: Int32 = 69
    /// `EX_SOFTWARE`: a bug in syspro-bq — an invariant did not hold.
    public static let internalError: Int32 = 70
    /// `EX_CANTCREAT`: another syspro-bq run holds the lock on the staging directory; this run did nothing.
    public static let locked: Int32 = 73
    /// `EX_TEMPFAIL`: a transient failure (transport, HTTP 429/5xx, a service down); rerun later.
    public static let retryLater: Int32 = 75
    /// `EX_CONFIG`: the configuration file or an environment override is wrong or incomplete.
    public static let configuration: Int32 = 78
    /// 128 + SIGINT: stopped by SIGINT or SIGTERM after leaving the staging log and journal consistent.
    public static let interrupted: Int32 = 130

    /// The exit code for a failure: the one function that decides it.
    ///
    /// Codes that always mean the same thing to a scheduler are decided by `code`; the rest by `disposition`.
    /// A `.terminal` failure of a remote service or the file system (a 400, a 404, `EACCES`) also needs a person
    /// to look, since an unchanged rerun fails again.
    public static func exitCode(for error: SysproBQError) -> Int32 {
        switch error.code {
        case .usage: return usage
        case .configuration: return configuration
        case .locked: return locked
        case .interrupted: return interrupted
        case .internalError: return internalError
        case .invalidData: return dataError
        case .corruption, .credentials: return needsHuman
        case .fileSystem, .transport, .remote, .protocolViolation:
            switch error.disposition {
            case .retryable: return retryLater
            case .needsHuman, .terminal: return needsHuman
            }
        }
    }

    /// Every code with its name and meaning, in the order docs/operations.md lists them.
    public static let table: [(code: Int32, name: String, meaning: String)] = [
        (success, "success", "the run did what it was asked"),
        (usage, "EX_USAGE", "a flag or argument is wrong"),
        (dataError, "EX_DATAERR", "rows were quarantined, or verify found damage"),
        (needsHuman, "EX_UNAVAILABLE", "a person must act: credentials, permissions, corruption, disk full"),
        (internalError, "EX_SOFTWARE", "a bug in syspro-bq"),
        (locked, "EX_CANTCREAT", "another syspro-bq run holds the staging lock; nothing was done"),
        (retryLater, "EX_TEMPFAIL", "a transient failure; rerun later"),
        (configuration, "EX_CONFIG", "the configuration is wrong or incomplete"),
        (interrupted, "SIGINT/SIGTERM", "stopped by a signal after leaving everything consistent"),
    ]
}
