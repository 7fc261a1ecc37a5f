/// The closed set of sections and keys syspro-bq reads, in the order docs/configuration.md lists them.
///
/// Unknown keys are errors (with a "did you mean" suggestion), so a typo never silently falls back to a
/// default. Environment overrides are derived from this list: `SYSPRO_BQ_<SECTION>_<KEY>` upper-cased.
enum ConfigurationSchema {
    /// The fixed sections and their keys.
    static let sections: [(name: String, keys: [String])] = [
        (
            "syspro",
            [
                "odata_url", "odata_path_template", "enet_url", "source", "companies", "operator", "ca_bundle",
                "time_zone", "concurrency", "page_size", "timeout_seconds", "next_link", "allow_skip_paging",
            ]
        ),
        (
            "bigquery",
            [
                "project", "dataset", "location", "api_url", "token_uri", "load_mode", "batch_rows", "in_flight",
                "table_prefix", "allow_insecure_local_endpoints", "gcs_staging_uri", "gcs_local_root",
            ]
        ),
        (
            "staging",
            ["directory", "segment_max_rows", "segment_max_bytes", "gzip_level", "retention_days", "archive_directory"]
        ),
        ("security", ["key_file", "credentials_file"]),
        ("logging", ["format", "level"]),
        ("metrics", ["prometheus_textfile"]),
    ]

    /// Keys of a `[tables.<Name>]` section.
    static let tableKeys = [
        "enabled", "strategy", "business_date_column", "look_back_days", "sweep_every_runs", "partitioning",
        "clustering",
        "schedule_hint", "load_mode", "keys", "columns", "exclude_columns",
    ]

    /// Every section name a file may use, for suggestions (`tables` stands for `tables.<Name>`).
    static var sectionNames: [String] { sections.map(\.name) + ["tables"] }

    /// The keys of the fixed section `name`, or `nil` when there is no such section.
    static func keys(of name: String) -> [String]? { sections.first { $0.name == name }?.keys }

    /// Prefix of every environment variable syspro-bq reads.
    static let environmentPrefix = "SYSPRO_BQ_"

    /// `SYSPRO_BQ_` variables that are not configuration overrides.
    static let nonOverrideVariables: Set<String> = ["SYSPRO_BQ_CONFIG", "SYSPRO_BQ_MASTER_KEY"]

    /// The environment variable that overrides `key` in `section`.
    static func environmentVariable(section: String, key: String) -> String {
        environmentPrefix + section.uppercased() + "_" + key.uppercased()
    }

    /// All override variable names, for suggestions.
    static var environmentVariables: [String] {
        sections.flatMap { section in section.keys.map { environmentVariable(section: section.name, key: $0) } }
    }
}

/// "Did you mean" suggestions by edit distance, after ignoring case, `_` and `-`.
enum Suggestion {
    /// The candidate closest to `word`, when it is close enough to be a plausible typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let normalizedWord = normalize(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let normalizedCandidate = normalize(candidate)
            let distance =
                normalizedCandidate == normalizedWord ? 0 : editDistance(normalizedWord, normalizedCandidate)
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = max(2, normalizedWord.count / 3)
        return best.distance <= limit ? best.candidate : nil
    }

    private static func normalize(_ text: String) -> [Character] {
        Array(text.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance.
    private static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
