/// The version of syspro-bq, shown by `--version` and sent in every `User-Agent`.
public enum SysproBQVersion {
    public static let current = "0.1.0"
    /// `syspro-bq/<version>`, the product token of the HTTP `User-Agent` header.
    public static var userAgent: String { "syspro-bq/\(current)" }
}
