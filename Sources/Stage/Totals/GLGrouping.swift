import Common
import Extract

/// How a GL posting stream's control totals are grouped: debit and credit sums per journal and per
/// (year, period, account), so reconciliation can prove every journal balances and compare the trial balance.
///
/// Group names (the manifest's `controlTotals.groups` keys) are
/// `journal:<GlYear>-<GlPeriod>-<Journal>` and `account:<GlYear>-<GlPeriod>-<GlCode>`, each holding
/// `{"debit": …, "credit": …}`; debit is the sum of positive `EntryValue`s, credit the sum of negative ones as a
/// positive amount (SYSPRO signs debits positive, §3.11). Values are the row's exact text: keys byte for byte,
/// decimal years and periods as written. Value type, `Sendable`.
struct GLGrouping: Sendable, Hashable {
    var year = "GlYear"
    var period = "GlPeriod"
    var journal = "Journal"
    var glCode = "GlCode"
    var entryValue = "EntryValue"

    /// The UTF-8 names of year, period, journal, GL code and entry value, in that order, for the scanner.
    var names: [[UInt8]] { [year, period, journal, glCode, entryValue].map { Array($0.utf8) } }

    /// The grouping for `table`, or `nil` when the table has no GL groups.
    static func forTable(_ table: String) -> GLGrouping? {
        table == "GenTransaction" ? GLGrouping() : nil
    }

    /// Appends the name of a journal group (`code` = the journal) or an account group (`code` = the GL code),
    /// the same bytes as ``journalGroup(year:period:journal:)`` and ``accountGroup(year:period:glCode:)``.
    ///
    /// - Returns: the name's bytes, where they now are in `output`'s memory.
    static func appendGroupName(
        _ kind: SegmentTotals.GroupKind,
        year: UnsafeBufferPointer<UInt8>,
        period: UnsafeBufferPointer<UInt8>,
        code: UnsafeBufferPointer<UInt8>,
        to output: inout UncheckedByteSink
    ) -> UnsafeBufferPointer<UInt8> {
        let start = output.count
        output.append(kind == .journal ? "journal:" : "account:")
        output.append(contentsOf: year)
        output.append(UInt8(ascii: "-"))
        output.append(contentsOf: period)
        output.append(UInt8(ascii: "-"))
        output.append(contentsOf: code)
        return UnsafeBufferPointer(start: output.base + start, count: output.count - start)
    }

    /// The most bytes ``appendGroupName(_:year:period:code:to:)`` appends for these fields.
    static func maximumGroupNameBytes(fieldBytes: Int) -> Int { 8 + 2 + fieldBytes }

    /// The group name of a journal.
    static func journalGroup(year: String, period: String, journal: String) -> String {
        "journal:\(year)-\(period)-\(journal)"
    }

    /// The group name of an account in a period.
    static func accountGroup(year: String, period: String, glCode: String) -> String {
        "account:\(year)-\(period)-\(glCode)"
    }

    /// The GL fields of one posting: year, period, journal and GL code as written ("" when absent or NULL),
    /// and the entry value's text (`nil` when NULL or absent).
    struct Posting {
        var year: String
        var period: String
        var journal: String
        var glCode: String
        var entryValue: String?
    }

    /// Reads one row's GL fields.
    /// - Throws: `.invalidData` when the row's columns cannot be read.
    /// - Parameter names: ``names``, computed once by a caller that groups many rows.
    func posting(of columnsJSON: [UInt8], names: [[UInt8]]? = nil) throws -> Posting {
        guard let found = ColumnValueScanner.values(of: names ?? self.names, in: columnsJSON) else {
            throw SysproBQError(
                .invalidData,
                "A GL posting's columns are not a well-formed JSON member list; its group totals cannot be computed",
                disposition: .terminal
            )
        }
        return Posting(
            year: found[0] ?? "",
            period: found[1] ?? "",
            journal: found[2] ?? "",
            glCode: found[3] ?? "",
            entryValue: found[4]
        )
    }

    /// The (group, "debit" | "credit", amount) pairs one row adds; none for a NULL or zero entry value.
    ///
    /// ``SegmentTotals`` accumulates the same pairs in minor units; this form is the reference its tests
    /// compare with.
    /// - Throws: `.invalidData` when the row's columns cannot be read or the entry value is not decimal text.
    /// - Parameter names: ``names``, computed once by a caller that groups many rows.
    func contributions(of columnsJSON: [UInt8], names: [[UInt8]]? = nil) throws -> [(String, String, ExactDecimal)] {
        let posting = try posting(of: columnsJSON, names: names)
        guard let text = posting.entryValue else { return [] }
        guard let amount = ExactDecimal(text) else {
            throw SysproBQError(
                .invalidData,
                "\(entryValue) holds '\(text)', which is not a decimal",
                disposition: .terminal
            )
        }
        if amount.isZero { return [] }
        let side = amount < .zero ? "credit" : "debit"
        let magnitude = amount < .zero ? amount.negated : amount
        return [
            (Self.journalGroup(year: posting.year, period: posting.period, journal: posting.journal), side, magnitude),
            (Self.accountGroup(year: posting.year, period: posting.period, glCode: posting.glCode), side, magnitude),
        ]
    }
}
