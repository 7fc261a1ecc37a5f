import Extract

/// A source row read where it lies in its page, field by field: the runner stages each row of a page this way, so
/// a row's buffers are not retained and released once more per row. A row passed by value to a mutating method
/// (``SegmentTotals/add(rowAt:cursor:)``) is copied first, because it might alias what the method mutates.
///
/// Valid while the page it points into is alive and unchanged (the runner's page loop).
struct RowInPlace {
    let pointer: UnsafePointer<SourceRow>

    init(_ pointer: UnsafePointer<SourceRow>) { self.pointer = pointer }

    var columnsJSON: [UInt8] { pointer.pointee.columnsJSON }
    var keyValues: [String] { pointer.pointee.keyValues }
    var rowVersion: String? { pointer.pointee.rowVersion }
    var businessDate: String? { pointer.pointee.businessDate }
    var amounts: [String?] { pointer.pointee.amounts }
}
