import Common
import Foundation

/// A raw value and where it came from: a TOML value from the file, or the text of an environment variable.
struct SourcedValue {
    enum Raw {
        case toml(TOMLValue)
        case environment(String)
    }

    var raw: Raw
    var origin: ValueOrigin
}

/// Collects every problem found while reading a configuration, so that one run reports all of them.
///
/// Not thread-safe; lives for one ``Configuration/parse(_:file:displayName:environment:)`` call.
final class ConfigurationProblems {
    private(set) var messages: [String] = []
    private(set) var remedies: [String] = []

    func add(_ message: String, remedy: String? = nil) {
        messages.append(message)
        if let remedy, !remedies.contains(remedy) { remedies.append(remedy) }
    }

    var isEmpty: Bool { messages.isEmpty }
}

/// Typed, validated access to the keys of one section. Each accessor returns `nil` when the key is absent
/// *or* wrong; a wrong value is recorded in ``ConfigurationProblems`` with its file and line (or variable).
struct SectionReader {
    /// `syspro`, or `tables.ApInvoice`.
    let section: String
    let values: [String: SourcedValue]
    let problems: ConfigurationProblems
    /// The configuration file's directory, for resolving relative paths.
    let directory: URL

    /// `[syspro]`.
    var header: String { "[\(section)]" }

    func origin(of key: String) -> ValueOrigin? { values[key]?.origin }

    /// Records a problem with `key`: "<file>:<line>: <key> in [<section>] <text>".
    func report(_ key: String, _ text: String, remedy: String? = nil) {
        let place = values[key].map { "\($0.origin): " } ?? ""
        problems.add("\(place)\(key) in \(header) \(text)", remedy: remedy)
    }

    // MARK: - Scalars

    func string(_ key: String) -> String? {
        guard let value = values[key] else { return nil }
        switch value.raw {
        case .toml(.string(let text)), .environment(let text):
            return text
        case .toml(let other):
            report(key, "must be a string; found \(other.typeDescription) (\(Self.shown(other.description)))")
            return nil
        }
    }

    /// A string that must not be empty.
    func nonEmptyString(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard !text.isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard let value = values[key] else { return nil }
        let expectation = "must be an integer from \(range.lowerBound) to \(range.upperBound)\(unit)"
        let number: Int?
        switch value.raw {
        case .toml(.integer(let integer)):
            number = Int(exactly: integer)
        case .environment(let text):
            number = Int(text)
            if number == nil {
                report(key, "\(expectation); found '\(Self.shown(text))'")
                return nil
            }
        case .toml(let other):
            report(key, "\(expectation); found \(other.typeDescription) (\(Self.shown(other.description)))")
            return nil
        }
        guard let number, range.contains(number) else {
            report(key, "\(expectation); found \(number.map(String.init) ?? "a number out of range")")
            return nil
        }
        return number
    }

    func boolean(_ key: String) -> Bool? {
        guard let value = values[key] else { return nil }
        switch value.raw {
        case .toml(.boolean(let flag)):
            return flag
        case .environment("true"):
            return true
        case .environment("false"):
            return false
        case .environment(let text):
            report(key, "must be true or false; found '\(Self.shown(text))'")
        case .toml(let other):
            report(key, "must be true or false; found \(other.typeDescription) (\(Self.shown(other.description)))")
        }
        return nil
    }

    /// One of an enumeration's raw values, matched exactly.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, as _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(key) else { return nil }
        if let value = Choice(rawValue: text) { return value }
        let allowed = Choice.allCases.map(\.rawValue)
        var message =
            "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")); found \"\(Self.shown(text))\""
        if let suggestion = Suggestion.closest(to: text, in: allowed) { message += "; did you mean \"\(suggestion)\"?" }
        report(key, message)
        return nil
    }

    // MARK: - Arrays

    /// An array of strings. From the environment: comma-separated (`A,B`, nothing trimmed) or a TOML array.
    func stringArray(_ key: String, maxCount: Int? = nil) -> [String]? {
        guard let value = values[key] else { return nil }
        let items: [TOMLValue]
        switch value.raw {
        case .toml(.array(let array)):
            items = array
        case .environment(let text):
            guard let parsed = parseEnvironmentArray(key, text) else { return nil }
            items = parsed
        case .toml(let other):
            report(
                key,
                "must be an array of strings; found \(other.typeDescription) (\(Self.shown(other.description)))"
            )
            return nil
        }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                report(key, "must be an array of strings; found \(item.typeDescription) (\(item)) in it")
                return nil
            }
            strings.append(text)
        }
        if let maxCount, strings.count > maxCount {
            report(key, "may hold at most \(maxCount) items; found \(strings.count)")
            return nil
        }
        if let duplicate = Self.firstDuplicate(strings) {
            report(key, "lists \"\(Self.shown(duplicate))\" twice")
            return nil
        }
        return strings
    }

    private func parseEnvironmentArray(_ key: String, _ text: String) -> [TOMLValue]? {
        if text.hasPrefix("[") {
            do {
                let document = try TOMLParser.parse("value = " + text)
                if case .array(let items)? = document.table([])?.entry("value")?.value { return items }
            } catch {
                report(key, "is not a valid TOML array (column \(error.position.column - 8): \(error.message))")
                return nil
            }
        }
        if text.isEmpty { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) }
    }

    // MARK: - Paths and URLs

    /// A path, resolved against the configuration file's directory when relative.
    func path(_ key: String) -> String? {
        guard let text = nonEmptyString(key) else { return nil }
        return resolve(text)
    }

    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return directory.appendingPathComponent(path).standardizedFileURL.path
    }

    /// An `http(s)://host/...` URL with no user info, query or fragment; trailing `/` removed.
    func url(_ key: String, schemes: Set<String> = ["http", "https"]) -> String? {
        guard let text = nonEmptyString(key) else { return nil }
        let shownURL = Redaction.url(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            schemes.contains(scheme), let host = components.host, !host.isEmpty
        else {
            let names = schemes.sorted().map { "\($0)://" }.joined(separator: " or ")
            report(key, "must be an absolute \(names) URL with a host; found \"\(Self.shown(shownURL))\"")
            return nil
        }
        if components.user != nil || components.password != nil {
            report(
                key,
                "must not contain a user name or password",
                remedy: "store passwords with `syspro-bq creds set`, never in the configuration"
            )
            return nil
        }
        if components.query != nil || components.fragment != nil {
            report(key, "must not contain a query (?...) or fragment (#...); found \"\(Self.shown(shownURL))\"")
            return nil
        }
        var result = text
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }

    // MARK: - Helpers

    /// A value as shown in an error: at most 80 characters.
    static func shown(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }

    static func firstDuplicate(_ items: [String]) -> String? {
        var seen: Set<String> = []
        for item in items where !seen.insert(item).inserted { return item }
        return nil
    }
}
