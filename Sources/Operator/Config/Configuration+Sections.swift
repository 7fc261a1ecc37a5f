import Foundation

/// One reader per section: typed values, defaults, and the checks that involve more than one key.
extension Configuration {
    static func readSyspro(_ reader: SectionReader) -> Syspro {
        var syspro = Syspro()
        syspro.odataURL = reader.url("odata_url")
        if let template = reader.nonEmptyString("odata_path_template") {
            if checkPathTemplate(template, reader) { syspro.odataPathTemplate = template }
        }
        syspro.enetURL = reader.url("enet_url")
        syspro.source = reader.choice("source", as: SourceKind.self) ?? syspro.source
        if let companies = reader.stringArray("companies") {
            if let bad = companies.first(where: { !isPlausibleCompany($0) }) {
                reader.report(
                    "companies",
                    "holds \"\(SectionReader.shown(bad))\", which is not a SYSPRO company id (it must not be empty, "
                        + "start or end with spaces, or contain '/', '?', '#', '%' or control characters)"
                )
            } else {
                syspro.companies = companies
            }
        }
        syspro.operatorCode = reader.nonEmptyString("operator")
        syspro.caBundle = reader.path("ca_bundle")
        if let caBundle = syspro.caBundle, !FileManager.default.isReadableFile(atPath: caBundle) {
            reader.report("ca_bundle", "names \(caBundle), which does not exist or is not readable")
        }
        if let name = reader.nonEmptyString("time_zone") {
            if let zone = TimeZone(identifier: name), name.contains("/") || name == "UTC" {
                syspro.timeZone = zone
            } else {
                var message = "must be an IANA time zone name such as \"Africa/Johannesburg\"; found \"\(name)\""
                if let suggestion = Suggestion.closest(to: name, in: TimeZone.knownTimeZoneIdentifiers) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                reader.report("time_zone", message)
            }
        }
        syspro.concurrency = reader.integer("concurrency", in: 1...4) ?? syspro.concurrency
        syspro.pageSize = reader.integer("page_size", in: 1...5000) ?? syspro.pageSize
        syspro.timeoutSeconds =
            reader.integer("timeout_seconds", in: 1...3600, unit: " seconds") ?? syspro.timeoutSeconds
        syspro.nextLink = reader.boolean("next_link") ?? syspro.nextLink
        syspro.allowSkipPaging = reader.boolean("allow_skip_paging") ?? syspro.allowSkipPaging
        return syspro
    }

    /// `{root}`, `{company}` and `{table}` are the only placeholders; `{table}` is required.
    private static func checkPathTemplate(_ template: String, _ reader: SectionReader) -> Bool {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                reader.report("odata_path_template", "has an unclosed '{'")
                return false
            }
            let name = rest[rest.index(after: open)..<close]
            guard ["root", "company", "table"].contains(name) else {
                reader.report(
                    "odata_path_template",
                    "uses unknown placeholder {\(name)}; allowed: {root}, {company}, {table}"
                )
                return false
            }
            rest = rest[rest.index(after: close)...]
        }
        guard template.contains("{table}") else {
            reader.report("odata_path_template", "must contain {table}; found \"\(template)\"")
            return false
        }
        return true
    }

    private static func isPlausibleCompany(_ company: String) -> Bool {
        guard let first = company.first, let last = company.last, !first.isWhitespace, !last.isWhitespace else {
            return false
        }
        return !company.unicodeScalars.contains {
            $0.value < 0x20 || $0.value == 0x7F || "/?#%".unicodeScalars.contains($0)
        }
    }

    static func readBigQuery(_ reader: SectionReader) -> BigQuery {
        var bigQuery = BigQuery()
        if let project = reader.nonEmptyString("project") {
            let allowed = project.unicodeScalars.allSatisfy {
                "abcdefghijklmnopqrstuvwxyz0123456789-.:".unicodeScalars.contains($0)
            }
            if allowed && project.count <= 100 {
                bigQuery.project = project
            } else {
                reader.report(
                    "project",
                    "must be a Google Cloud project id (lower-case letters, digits, '-'); found \"\(SectionReader.shown(project))\""
                )
            }
        }
        if let dataset = reader.nonEmptyString("dataset") {
            if isIdentifier(dataset) && dataset.count <= 1024 {
                bigQuery.dataset = dataset
            } else {
                reader.report(
                    "dataset",
                    "must be a BigQuery dataset id (letters, digits, '_'); found \"\(SectionReader.shown(dataset))\""
                )
            }
        }
        bigQuery.location = reader.nonEmptyString("location") ?? bigQuery.location
        bigQuery.apiURL = reader.url("api_url") ?? bigQuery.apiURL
        bigQuery.tokenURI = reader.url("token_uri")
        bigQuery.loadMode = reader.choice("load_mode", as: LoadMode.self) ?? bigQuery.loadMode
        bigQuery.batchRows = reader.integer("batch_rows", in: 1...50_000) ?? bigQuery.batchRows
        bigQuery.inFlight = reader.integer("in_flight", in: 1...16) ?? bigQuery.inFlight
        if let prefix = reader.string("table_prefix") {
            if prefix.isEmpty || isIdentifier(prefix) {
                bigQuery.tablePrefix = prefix
            } else {
                reader.report(
                    "table_prefix",
                    "may hold only letters, digits and '_'; found \"\(SectionReader.shown(prefix))\""
                )
            }
        }
        bigQuery.allowInsecureLocalEndpoints = reader.boolean("allow_insecure_local_endpoints") ?? false
        bigQuery.gcsStagingURI = reader.url("gcs_staging_uri", schemes: ["gs"])
        bigQuery.gcsLocalRoot = reader.path("gcs_local_root")
        for (key, url) in [("api_url", bigQuery.apiURL), ("token_uri", bigQuery.tokenURI)] {
            guard let url, url.lowercased().hasPrefix("http://") else { continue }
            if !bigQuery.allowInsecureLocalEndpoints {
                reader.report(
                    key,
                    "uses plain http://, which would send Google credentials unencrypted",
                    remedy: "use https://, or for a local emulator set allow_insecure_local_endpoints = true"
                )
            } else if !isLoopback(url) {
                reader.report(
                    key,
                    "uses plain http:// to a host that is not a loopback address; allow_insecure_local_endpoints "
                        + "permits only 127.0.0.0/8, ::1 and localhost"
                )
            }
        }
        return bigQuery
    }

    static func readStaging(_ reader: SectionReader) -> Staging {
        var staging = Staging(directory: reader.path("directory") ?? reader.resolve("staging"))
        staging.segmentMaxRows = reader.integer("segment_max_rows", in: 1...10_000_000) ?? staging.segmentMaxRows
        staging.segmentMaxBytes =
            reader.integer("segment_max_bytes", in: 4096...(4 * 1024 * 1024 * 1024), unit: " bytes")
            ?? staging.segmentMaxBytes
        staging.gzipLevel = reader.integer("gzip_level", in: 1...9) ?? staging.gzipLevel
        staging.retentionDays = reader.integer("retention_days", in: 1...36_500, unit: " days")
        staging.archiveDirectory = reader.path("archive_directory")
        if let archive = staging.archiveDirectory, archive == staging.directory {
            reader.report("archive_directory", "must not be the staging directory itself")
        }
        return staging
    }

    static func readSecurity(_ reader: SectionReader) -> Security {
        Security(
            keyFile: reader.path("key_file") ?? reader.resolve("syspro-bq.key"),
            credentialsFile: reader.path("credentials_file") ?? reader.resolve("credentials.enc.json")
        )
    }

    static func readLogging(_ reader: SectionReader) -> Logging {
        var logging = Logging()
        logging.format = reader.choice("format", as: LogFormat.self) ?? logging.format
        logging.level = reader.choice("level", as: LogLevel.self) ?? logging.level
        return logging
    }

    static func readMetrics(_ reader: SectionReader) -> Metrics {
        var metrics = Metrics()
        metrics.prometheusTextfile = reader.path("prometheus_textfile")
        if let path = metrics.prometheusTextfile, !path.hasSuffix(".prom") {
            reader.report(
                "prometheus_textfile",
                "must end in .prom (node_exporter's textfile collector reads only *.prom); found \(path)"
            )
        }
        return metrics
    }

    // MARK: - Helpers

    /// Letters, digits and `_`, starting with a letter or `_`.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic, first.isASCII else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }

    /// Whether the URL's host is `localhost`, `::1` or in 127.0.0.0/8.
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
