import Common
import Foundation
import Operator

/// Fuzzes the configuration file reader through `Configuration.parse`: the TOML-subset parser, the section
/// readers and the typed validation, exactly as `Configuration.load` runs them after reading the file (the
/// input is decoded as UTF-8 the same way; other bytes are refused before parsing, as `load` refuses them).
///
/// No environment overrides are applied. Paths in the input are only checked with `access(2)`, never opened.
enum ConfigFuzzTarget {
    static let file = URL(fileURLWithPath: "/etc/syspro-bq/syspro-bq.toml")

    static func run(_ input: [UInt8]) -> FuzzOutcome {
        guard let text = String(data: Data(input), encoding: .utf8) else { return .rejected("not UTF-8") }
        do {
            let configuration = try Configuration.parse(
                text,
                file: file,
                displayName: "syspro-bq.toml",
                environment: [:]
            )
            return .accepted(
                "\(configuration.syspro.companies.count) companies, \(configuration.tables.count) tables"
            )
        } catch {
            return .rejected(error.message)
        }
    }
}
