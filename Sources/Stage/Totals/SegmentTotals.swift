import Common
import Extract
import SegmentLog

/// Accumulates what a segment's manifest records about its rows: control totals (row count and exact
/// sums of the amount columns), the business-date range and the cursor range.
///
/// Sums are exact: Int64 minor units while they fit, ``ExactDecimal`` beyond (``MinorUnitSum``); money never
/// passes through `Double` (design brief decision 2).
struct SegmentTotals {
    let amountColumns: [String]
    private(set) var rows: Int64 = 0
    private var sums: [MinorUnitSum]
    private(set) var minDate: String?
    private(set) var maxDate: String?
    private(set) var cursorFrom: String?
    private(set) var cursorTo: String?
    /// How GL postings are grouped per journal and per account, or `nil` for tables without GL groups.
    let grouping: GLGrouping?
    /// Whether ``grouping`` is set. The row path tests this flag: `grouping != nil` copied the optional (its five
    /// names retained, then released) on every row, ~1 % of an extract's CPU.
    private let hasGrouping: Bool
    private let groupingNames: [[UInt8]]
    /// Where each GL field (year, period, journal, GL code, entry value) of a row is read on the fast path.
    private let fieldSources: [FieldSource]
    /// The names of the fields read from the row's columns (``FieldSource/columns(_:)``), for the scanner.
    private let scannedNames: [[UInt8]]
    /// For each slot of ``scannedNames``, the field it fills.
    private let scannedFields: [Int]
    /// The fast path's field values and group names, one after another (reused between rows; shared by copies
    /// of the totals, which is sound because each use is done within one call).
    private let scratch = ScratchBytes(capacity: 1024)
    /// Debit and credit sums per group name (its UTF-8 bytes).
    private var groups = GroupSumTable()
    /// The journal group of the previous GL row, with the sums of its run of postings not yet in ``groups``.
    private var pendingJournal: [UInt8] = []
    private var pendingJournalSums = (debit: MinorUnitSum(), credit: MinorUnitSum())
    private var hasPendingJournal = false

    enum GroupKind { case journal, account }

    /// Where the fast path reads a GL field: the row's key values and amounts hold exactly the text its columns
    /// hold (``SourceRowBuilder`` renders both from the same value with the same rules), already decoded, so only
    /// the fields that are neither are scanned out of `columnsJSON`.
    private enum FieldSource {
        case key(Int)
        case amount(Int)
        /// The slot in ``scannedNames``.
        case columns(Int)
    }

    /// Where the five GL fields of one row are in ``fieldBytes``: `nil` for NULL or absent. On the stack, no array.
    private struct FieldRanges {
        private var year, period, journal, glCode, entryValue: Range<Int>?

        subscript(field: Int) -> Range<Int>? {
            get {
                switch field {
                case 0: year
                case 1: period
                case 2: journal
                case 3: glCode
                default: entryValue
                }
            }
            set {
                switch field {
                case 0: year = newValue
                case 1: period = newValue
                case 2: journal = newValue
                case 3: glCode = newValue
                default: entryValue = newValue
                }
            }
        }
    }

    /// - Parameter keyColumns: the stream's key columns, in the order of ``SourceRow/keyValues``; GL fields
    ///   among them are read from the key values instead of the columns.
    init(amountColumns: [String], keyColumns: [String] = [], grouping: GLGrouping? = nil) {
        self.amountColumns = amountColumns
        self.grouping = grouping
        hasGrouping = grouping != nil
        groupingNames = grouping?.names ?? []
        var sources: [FieldSource] = []
        var scanned: [[UInt8]] = []
        var scannedFields: [Int] = []
        if let grouping {
            let names = [grouping.year, grouping.period, grouping.journal, grouping.glCode, grouping.entryValue]
            for (field, name) in names.enumerated() {
                if let index = keyColumns.firstIndex(of: name) {
                    sources.append(.key(index))
                } else if let index = amountColumns.firstIndex(of: name) {
                    sources.append(.amount(index))
                } else {
                    sources.append(.columns(scanned.count))
                    scanned.append(Array(name.utf8))
                    scannedFields.append(field)
                }
            }
        }
        fieldSources = sources
        scannedNames = scanned
        self.scannedFields = scannedFields
        sums = Array(repeating: MinorUnitSum(), count: amountColumns.count)
    }

    /// The totals of a stream of `table`: GenTransaction gets its journal and account groups.
    init(table: String, amountColumns: [String], keyColumns: [String] = []) {
        self.init(amountColumns: amountColumns, keyColumns: keyColumns, grouping: GLGrouping.forTable(table))
    }

    /// Adds one source row: its amounts, business date and cursor, and, when this stream has GL groups, its
    /// debit or credit to its journal's and its account's group.
    mutating func add(row: SourceRow, cursor: String?) throws {
        try withUnsafePointer(to: row) { try add(rowAt: $0, cursor: cursor) }
    }

    /// ``add(row:cursor:)`` for a row read in place: the extract's runner passes each row of a page where it lies,
    /// so the row's five buffers are not retained and released once more per row (a row passed by value to this
    /// mutating method was copied first, since it might alias the totals).
    mutating func add(rowAt pointer: UnsafePointer<SourceRow>, cursor: String?) throws {
        let row = RowInPlace(pointer)
        try add(amounts: row.amounts, businessDate: row.businessDate, cursor: cursor)
        guard hasGrouping else { return }
        if addPostingFast(row) { return }
        guard let grouping else { return }
        let posting = try grouping.posting(of: row.columnsJSON, names: groupingNames)
        guard let text = posting.entryValue else { return }
        let journal = GLGrouping.journalGroup(year: posting.year, period: posting.period, journal: posting.journal)
        let account = GLGrouping.accountGroup(year: posting.year, period: posting.period, glCode: posting.glCode)
        var parsed = text
        if let (units, scale) = parsed.withUTF8({ MinorUnitSum.parse($0) }) {
            if units == 0 { return }
            let credit = units < 0
            addToGroup(journal, credit: credit) { $0.add(units: abs(units), scale: scale) }
            addToGroup(account, credit: credit) { $0.add(units: abs(units), scale: scale) }
            return
        }
        guard let amount = ExactDecimal(text) else {
            throw SysproBQError(
                .invalidData,
                "\(grouping.entryValue) holds '\(text)', which is not a decimal",
                disposition: .terminal
            )
        }
        if amount.isZero { return }
        let credit = amount < .zero
        let magnitude = credit ? amount.negated : amount
        addToGroup(journal, credit: credit) { $0.add(magnitude) }
        addToGroup(account, credit: credit) { $0.add(magnitude) }
    }

    /// The common case of a GL row: fields from its key values and amounts, the others read from its columns
    /// where they hold no escape, an entry value that fits Int64 minor units. The field values and group names
    /// are written into one reused scratch buffer (no array growth checks, no closure that captures the totals);
    /// a group's name is copied only when the group is new.
    ///
    /// - Returns: `false` when the row needs the general path (an escape in a scanned value, an entry value
    ///   beyond Int64 minor units, columns that are not a member list), which then decides everything.
    private mutating func addPostingFast(_ row: RowInPlace) -> Bool {
        let keys = row.keyValues
        let amounts = row.amounts
        let columns = row.columnsJSON
        // Every field is a key value, an amount or a part of the columns: their sum bounds the fields' bytes.
        var fieldBound = columns.count
        for source in fieldSources {
            switch source {
            case .key(let index):
                guard index < keys.count else { return false }
                fieldBound += keys[index].utf8.count
            case .amount(let index):
                guard index < amounts.count else { return false }
                fieldBound += amounts[index]?.utf8.count ?? 0
            case .columns:
                break
            }
        }
        var sink = scratch.sink(minimum: fieldBound + 2 * GLGrouping.maximumGroupNameBytes(fieldBytes: fieldBound))
        var fields = FieldRanges()
        var scanned = false
        for (field, source) in fieldSources.enumerated() {
            switch source {
            case .key(let index):
                let start = sink.count
                var text = keys[index]
                text.withUTF8 { sink.append(contentsOf: $0) }
                fields[field] = start..<sink.count
            case .amount(let index):
                guard var text = amounts[index] else { continue }
                let start = sink.count
                text.withUTF8 { sink.append(contentsOf: $0) }
                fields[field] = start..<sink.count
            case .columns:
                scanned = true
            }
        }
        if scanned {
            let scannedFields = self.scannedFields
            let readable = columns.withUnsafeBufferPointer { bytes -> Bool in
                var plain = true
                let wellFormed = ColumnValueScanner.scan(scannedNames, in: bytes) { slot, value, isString in
                    guard let value else { return }
                    if isString, bytes[value].contains(UInt8(ascii: "\\")) {
                        plain = false
                        return
                    }
                    let start = sink.count
                    sink.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[value]))
                    fields[scannedFields[slot]] = start..<sink.count
                }
                return wellFormed && plain
            }
            guard readable else { return false }
        }
        let base = sink.base
        func part(_ field: Int) -> UnsafeBufferPointer<UInt8> {
            guard let range = fields[field] else { return UnsafeBufferPointer(start: base, count: 0) }
            return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
        }
        guard fields[4] != nil else { return true }
        guard let (units, scale) = MinorUnitSum.parse(part(4)) else { return false }
        if units == 0 { return true }
        let credit = units < 0
        let magnitude = abs(units)
        // The journal: consecutive postings of one journal add to the pending sums, one table update per run of
        // postings instead of one per row.
        let journal = GLGrouping.appendGroupName(.journal, year: part(0), period: part(1), code: part(2), to: &sink)
        let sameJournal = hasPendingJournal && pendingJournal.withUnsafeBufferPointer { ShortBytes.equal($0, journal) }
        if !sameJournal {
            flushPendingJournal()
            pendingJournal.removeAll(keepingCapacity: true)
            pendingJournal.append(contentsOf: journal)
            hasPendingJournal = true
        }
        if credit {
            pendingJournalSums.credit.add(units: magnitude, scale: scale)
        } else {
            pendingJournalSums.debit.add(units: magnitude, scale: scale)
        }
        let account = GLGrouping.appendGroupName(.account, year: part(0), period: part(1), code: part(3), to: &sink)
        groups.update(account) { sums in
            if credit {
                sums.credit.add(units: magnitude, scale: scale)
            } else {
                sums.debit.add(units: magnitude, scale: scale)
            }
        }
        return true
    }

    /// Adds the pending journal's sums to its group.
    private mutating func flushPendingJournal() {
        guard hasPendingJournal else { return }
        let pending = pendingJournalSums
        pendingJournal.withUnsafeBufferPointer { name in
            groups.update(name) { sums in
                sums.debit.add(pending.debit)
                sums.credit.add(pending.credit)
            }
        }
        pendingJournalSums = (MinorUnitSum(), MinorUnitSum())
        hasPendingJournal = false
    }

    /// Applies `update` to the debit or credit sum of the group `name` (the general path), creating the group
    /// (both sums zero) if new.
    private mutating func addToGroup(_ name: String, credit: Bool, _ update: (inout MinorUnitSum) -> Void) {
        var name = name
        name.withUTF8 { name in
            groups.update(name) { sums in
                if credit { update(&sums.credit) } else { update(&sums.debit) }
            }
        }
    }

    /// Adds one staged row's amounts (decimal text per amount column, nil for NULL) and business date.
    mutating func add(amounts: [String?], businessDate: String?, cursor: String?) throws {
        rows += 1
        for (index, text) in amounts.enumerated() where index < sums.count {
            guard var text else { continue }
            if let (units, scale) = text.withUTF8({ MinorUnitSum.parse($0) }) {
                sums[index].add(units: units, scale: scale)
                continue
            }
            guard let value = ExactDecimal(text) else {
                throw SysproBQError(
                    .invalidData,
                    "Amount column \(amountColumns[index]) holds '\(text)', which is not a decimal",
                    disposition: .terminal
                )
            }
            sums[index].add(value)
        }
        if let businessDate {
            if minDate.map({ businessDate < $0 }) ?? true { minDate = businessDate }
            if maxDate.map({ businessDate > $0 }) ?? true { maxDate = businessDate }
        }
        if let cursor {
            if cursorFrom.map({ cursor < $0 }) ?? true { cursorFrom = cursor }
            if cursorTo.map({ cursor > $0 }) ?? true { cursorTo = cursor }
        }
    }

    /// Counts a tombstone row: it has no amounts and no business date.
    mutating func addTombstone() {
        rows += 1
    }

    /// The GL groups in their manifest encoding, written straight from the sums (no dictionary per group).
    private func encodedGroups() throws -> EncodedGroupTotals {
        var encoder = GroupTotalsEncoder(expectedGroups: groups.count)
        try groups.forEachInByteOrder { name, sums in
            try encoder.append(
                name: name,
                sums: [("credit", sums.credit.description), ("debit", sums.debit.description)]
            )
        }
        return encoder.finish()
    }

    /// The seal's metadata (mutating: a pending journal run joins its group first).
    mutating func sealMetadata(sourceQuery: String) throws -> SealMetadata {
        flushPendingJournal()
        var amounts: [String: String] = [:]
        for (name, sum) in zip(amountColumns, sums) { amounts[name] = sum.description }
        let dates: BusinessDateRange?
        if let minDate, let maxDate { dates = try BusinessDateRange(min: minDate, max: maxDate) } else { dates = nil }
        return SealMetadata(
            sourceQuery: sourceQuery,
            cursor: CursorRange(from: cursorFrom, to: cursorTo),
            businessDates: dates,
            controlTotals: try ControlTotals(rowCount: rows, amounts: amounts, encodedGroups: encodedGroups())
        )
    }
}
