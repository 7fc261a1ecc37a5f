public import Common

extension Configuration {
    /// What a command is about to do, which decides the keys it needs.
    public enum Purpose: String, Sendable, Hashable, CaseIterable {
        /// Read SYSPRO: a service root, companies, an operator and a time zone.
        case extract
        /// Write BigQuery: a project and a dataset.
        case load
    }

    /// One key a purpose needs and the file does not set.
    public struct MissingKey: Sendable, Hashable, CustomStringConvertible {
        public var section: String
        public var key: String
        /// What the key is for, in a few words.
        public var meaning: String

        /// The environment variable that can set it instead.
        public var environmentVariable: String {
            ConfigurationSchema.environmentVariable(section: section, key: key)
        }

        public var description: String { "\(key) in [\(section)] (\(meaning))" }
    }

    /// The keys `purposes` need that are not set, in documentation order.
    public func missingKeys(for purposes: Set<Purpose>) -> [MissingKey] {
        var missing: [MissingKey] = []
        if purposes.contains(.extract) {
            switch syspro.source {
            case .odata where syspro.odataURL == nil:
                missing.append(
                    MissingKey(section: "syspro", key: "odata_url", meaning: "the SYSPRO OData service root")
                )
            case .enet where syspro.enetURL == nil:
                missing.append(MissingKey(section: "syspro", key: "enet_url", meaning: "the SYSPRO e.net REST root"))
            default:
                break
            }
            if syspro.companies.isEmpty {
                missing.append(MissingKey(section: "syspro", key: "companies", meaning: "the SYSPRO company ids"))
            }
            if syspro.operatorCode == nil {
                missing.append(MissingKey(section: "syspro", key: "operator", meaning: "the SYSPRO operator code"))
            }
            if syspro.timeZone == nil {
                missing.append(
                    MissingKey(section: "syspro", key: "time_zone", meaning: "the companies' IANA time zone")
                )
            }
        }
        if purposes.contains(.load) {
            if bigQuery.project == nil {
                missing.append(MissingKey(section: "bigquery", key: "project", meaning: "the Google Cloud project"))
            }
            if bigQuery.dataset == nil {
                missing.append(MissingKey(section: "bigquery", key: "dataset", meaning: "the BigQuery dataset"))
            }
        }
        return missing
    }

    /// Throws when a key `purposes` need is not set, naming every missing key and how to set it.
    ///
    /// - Throws: `SysproBQError` with code `.configuration`.
    public func requireReady(for purposes: Set<Purpose>, displayName: String) throws(SysproBQError) {
        let missing = missingKeys(for: purposes)
        guard !missing.isEmpty else { return }
        let what = Purpose.allCases.filter(purposes.contains).map(\.rawValue).joined(separator: " and ")
        let noun = missing.count == 1 ? "key" : "keys"
        throw SysproBQError(
            .configuration,
            "\(displayName): missing required \(noun) for \(what): "
                + missing.map(\.description).joined(separator: ", "),
            remedy: "set \(missing.count == 1 ? "it" : "them") in the file, or with "
                + missing.map(\.environmentVariable).joined(separator: ", "),
            disposition: .terminal
        )
    }
}
