/// A duration for `run --every`: `30s`, `10m`, `1h`, `1h30m`, `2d`.
///
/// This type is a value type and is `Sendable`.
public struct RunInterval: Sendable, Hashable, CustomStringConvertible {
    /// The interval in whole seconds.
    public var seconds: Int

    /// The shortest interval accepted: a shorter one would only hammer SYSPRO.
    public static let minimum = 1
    /// The longest interval accepted (one week).
    public static let maximum = 7 * 24 * 3600

    public init(seconds: Int) { self.seconds = seconds }

    /// Parses `text`: one or more `<integer><unit>` groups with units `s`, `m`, `h`, `d`, largest first.
    ///
    /// - Returns: `nil` when the text is not a duration or is outside ``minimum``...``maximum``.
    public init?(parsing text: String) {
        let units: [(Character, Int)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        var total = 0
        var digits = ""
        var nextUnit = 0
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == character }), unitIndex >= nextUnit,
                let value = Int(digits), digits.count <= 9
            else { return nil }
            total += value * units[unitIndex].1
            digits = ""
            nextUnit = unitIndex + 1
        }
        guard digits.isEmpty, !text.isEmpty, (Self.minimum...Self.maximum).contains(total) else { return nil }
        seconds = total
    }

    /// The shortest spelling, e.g. `1h30m`.
    public var description: String {
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text.isEmpty ? "0s" : text
    }
}
