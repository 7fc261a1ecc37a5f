/// Runs a validated query over a table snapshot: picks an index (key order or `TimeStamp`
/// order) when `$orderby` allows it, binary-searches the filter's bounds and scans only as far
/// as the page needs; otherwise filters everything and sorts.
struct QueryExecutor {
    let table: TableData
    let evaluator: FilterEvaluator

    /// The result of one page.
    struct Page {
        /// Positions in `table.rows`, in response order.
        let rows: [Int]
        /// True when rows beyond this page match (used for `@odata.nextLink`).
        let more: Bool
    }

    /// Returns up to `limit` matching rows after skipping `options.skip`.
    func run(_ options: QueryOptions, limit: Int) -> Page {
        let schema = table.schema
        let need = options.skip + limit + 1
        let filter = options.filter
        let order = options.orderBy
        let usesKeyOrder =
            order.isEmpty
            || (order.count <= schema.key.count
                && order.enumerated().allSatisfy {
                    !$0.element.descending && $0.element.column == schema.key[$0.offset]
                })
        let usesStampOrder = !usesKeyOrder && !order[0].descending && order[0].column == schema.stampColumn
        var matched: [Int] = []
        if usesKeyOrder {
            let start = evaluator.lowerBound(filter, columns: schema.key).map { table.lowerBound(keyPrefix: $0) } ?? 0
            let upper = evaluator.upperBound(filter, columns: schema.key)
            var i = start
            let rows = table.rows
            while i < rows.count && matched.count < need {
                if let upper, table.comparePrefix(rows[i], upper) > 0 { break }
                if filter.map({ evaluator.matches($0, rows[i]) }) ?? true { matched.append(i) }
                i += 1
            }
        } else if usesStampOrder {
            let stampColumn = [schema.stampColumn]
            var start = 0
            if let low = evaluator.lowerBound(filter, columns: stampColumn), case .stamp(let s) = low[0] {
                start = table.stampLowerBound(s)
            }
            var upperStamp: UInt64?
            if let high = evaluator.upperBound(filter, columns: stampColumn), case .stamp(let s) = high[0] {
                upperStamp = s
            }
            let rows = table.rows
            let orderIndex = table.stampOrder
            var k = start
            while k < orderIndex.count && matched.count < need {
                let i = Int(orderIndex[k])
                if let upperStamp, case .stamp(let s) = rows[i][schema.stampColumn], s > upperStamp { break }
                if filter.map({ evaluator.matches($0, rows[i]) }) ?? true { matched.append(i) }
                k += 1
            }
        } else {
            let rows = table.rows
            for i in rows.indices where filter.map({ evaluator.matches($0, rows[i]) }) ?? true { matched.append(i) }
            let key = schema.key
            matched.sort { a, b in
                for (column, descending) in order {
                    let c = Value.compare(rows[a][column], rows[b][column])
                    if c != 0 { return descending ? c > 0 : c < 0 }
                }
                return compareKeys(rows[a], rows[b], key) < 0
            }
        }
        let from = min(options.skip, matched.count)
        let to = min(from + limit, matched.count)
        return Page(rows: Array(matched[from..<to]), more: matched.count > to)
    }
}
