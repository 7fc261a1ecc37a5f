internal import Common

/// One stream of the staging log: a (company, SYSPRO table) pair, stored at `<root>/<company>/<table>/`.
///
/// Both names are validated for path safety (docs/staging-format.md §1.1): 1–64 ASCII bytes, letters,
/// digits and `_` first, then also `-`, `.`, `+`, `$`, `#`. So no `/`, NUL, whitespace, `.` or `..`.
/// This type is a value type and is `Sendable`.
public struct StreamID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The SYSPRO company id, byte for byte (e.g. `A`, `40`, `100`).
    public let company: String
    /// The SYSPRO table name (e.g. `ApInvoice`).
    public let table: String

    /// Creates a stream id after validating both names.
    ///
    /// - Throws: `SysproBQError` with code `.invalidData` naming the offending name and the allowed set.
    public init(company: String, table: String) throws {
        try Self.validate(company, role: "company")
        try Self.validate(table, role: "table")
        self.company = company
        self.table = table
    }

    /// `company/table`.
    public var description: String { "\(company)/\(table)" }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        if lhs.company != rhs.company {
            return lhs.company.utf8.lexicographicallyPrecedes(rhs.company.utf8)
        }
        return lhs.table.utf8.lexicographicallyPrecedes(rhs.table.utf8)
    }

    /// Whether `name` is in the allowed set of §1.1.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= Format.maximumNameLength else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        guard isAlphanumeric(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            isAlphanumeric(byte) || Array("_-.+$#".utf8).contains(byte)
        }
    }

    private static func validate(_ name: String, role: String) throws {
        guard isValidName(name) else {
            throw SysproBQError(
                .invalidData,
                "The \(role) name \(String(reflecting: name)) cannot be a staging directory name",
                remedy: "Use 1-64 ASCII letters, digits, '_' first, then also '-', '.', '+', '$', '#'.",
                disposition: .terminal
            )
        }
    }
}
