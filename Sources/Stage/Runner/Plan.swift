import Extract
import Foundation

/// What one run of one stream reads and how it treats what it reads: a pure decision, tested without I/O.
struct Plan: Equatable {
    enum IndexScope: Equatable {
        /// Every key of the stream, persisted: needed to find vanished keys.
        case all
        /// Only the newest N segments: the overlap a rowversion run can re-read after a crash.
        case recentSegments(Int)
        /// Only segments whose business dates reach `from`: the look-back window.
        case businessDatesFrom(String)
    }

    var window: ExtractQuery.Window
    var indexScope: IndexScope
    /// Whether keys missing from a complete read become tombstones.
    var detectsDeletes: Bool
    /// Whether the watermark follows what is sealed (never for backfills and snapshots).
    var movesCursor: Bool
    var modeName: String
    private var cursorIsRowVersion: Bool
    private var cursorIsBusinessDate: Bool

    init(strategy: ChangeStrategy, state: StreamState, mode: StageRunner.Mode, options: StageOptions) {
        let sweeping = options.sweepEveryRuns > 0
        let sweepDue = sweeping && state.runs % options.sweepEveryRuns == 0
        cursorIsRowVersion = false
        cursorIsBusinessDate = false
        switch (strategy, mode) {
        case (.rowVersion, .incremental):
            cursorIsRowVersion = true
            movesCursor = true
            indexScope = sweeping ? .all : .recentSegments(options.rowVersionOverlapSegments)
            if state.cursor == nil || sweepDue {
                window = .rowVersion(after: nil)
                detectsDeletes = state.cursor != nil && sweeping
                modeName = state.cursor == nil ? "initial" : "sweep"
            } else {
                window = .rowVersion(after: state.cursor)
                detectsDeletes = false
                modeName = "incremental"
            }
        case (.businessDate(_, let lookBack), .incremental):
            cursorIsBusinessDate = true
            movesCursor = true
            if let cursor = state.cursor, !sweepDue {
                let from = Self.date(cursor, minusDays: lookBack)
                window = .businessDate(from: from, through: nil)
                indexScope = sweeping ? .all : .businessDatesFrom(from)
                detectsDeletes = false
                modeName = "incremental"
            } else {
                window = .snapshot
                indexScope = sweeping ? .all : .businessDatesFrom("0000-00-00")
                detectsDeletes = state.cursor != nil && sweeping
                modeName = state.cursor == nil ? "initial" : "sweep"
            }
        case (.snapshot, .incremental):
            window = .snapshot
            indexScope = .all
            detectsDeletes = true
            movesCursor = false
            modeName = "snapshot"
        case (_, .backfill(let from, let through)):
            cursorIsBusinessDate = true
            window = .businessDate(from: from, through: through)
            switch strategy {
            case .snapshot: indexScope = .all
            default: indexScope = sweeping ? .all : .businessDatesFrom(from)
            }
            detectsDeletes = false
            movesCursor = false
            modeName = "backfill"
        }
    }

    /// The cursor value of a row under this plan's strategy.
    func cursor(of row: RowInPlace) -> String? {
        if cursorIsRowVersion { return row.rowVersion }
        if cursorIsBusinessDate { return row.businessDate }
        return nil
    }

    var windowDescription: String {
        switch window {
        case .rowVersion(let after): return "rowVersion after \(after ?? "start")"
        case .businessDate(let from, let through): return "businessDate \(from)...\(through ?? "")"
        case .snapshot: return "snapshot"
        }
    }

    /// `YYYY-MM-DD` minus `days`, in the proleptic Gregorian calendar.
    static func date(_ text: String, minusDays days: Int) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            let earlier = calendar.date(byAdding: .day, value: -days, to: date)
        else { return text }
        let result = calendar.dateComponents([.year, .month, .day], from: earlier)
        return String(format: "%04d-%02d-%02d", result.year!, result.month!, result.day!)
    }
}
