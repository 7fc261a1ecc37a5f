/// The OData system query options of one request, validated against a table.
struct QueryOptions {
    var filter: FilterExpression?
    /// Selected column positions in request order; all columns when `$select` is absent.
    var select: [Int]
    /// `$select` as given, for `@odata.context`.
    var selectText: String?
    /// (column, descending) pairs.
    var orderBy: [(column: Int, descending: Bool)] = []
    var top: Int?
    var skip = 0

    /// Parses the `$`-options of a request; unknown `$` options are rejected like a strict service.
    /// - Throws: `FilterError` with the OData error message (HTTP 400).
    init(items: [(name: String, value: String)], schema: TableSchema) throws(FilterError) {
        select = Array(schema.columns.indices)
        for (name, value) in items {
            switch name {
            case "$filter":
                filter = try FilterParser.parse(value, schema: schema)
            case "$select":
                var columns: [Int] = []
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let field = part.trimmingCharacters(in: " ")
                    if field == "*" {
                        columns += schema.columns.indices
                        continue
                    }
                    guard let c = schema.position(of: field) else {
                        throw FilterError(
                            message: "Could not find a property named '\(field)' on type 'SYSPRO.\(schema.name)'."
                        )
                    }
                    columns.append(c)
                }
                select = columns
                selectText = value
            case "$orderby":
                orderBy = []
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let words = part.split(separator: " ", omittingEmptySubsequences: true)
                    guard (1...2).contains(words.count), let c = schema.position(of: String(words[0])) else {
                        throw FilterError(
                            message: "The $orderby '\(value)' is not valid for type 'SYSPRO.\(schema.name)'."
                        )
                    }
                    var descending = false
                    if words.count == 2 {
                        guard words[1] == "asc" || words[1] == "desc" else {
                            throw FilterError(message: "Syntax error: 'asc' or 'desc' expected in $orderby.")
                        }
                        descending = words[1] == "desc"
                    }
                    orderBy.append((c, descending))
                }
            case "$top":
                guard let n = Int(value), n >= 0 else {
                    throw FilterError(message: "Invalid value '\(value)' for $top query option found.")
                }
                top = n
            case "$skip":
                guard let n = Int(value), n >= 0 else {
                    throw FilterError(message: "Invalid value '\(value)' for $skip query option found.")
                }
                skip = n
            case "$format":
                guard value.hasPrefix("json") || value.hasPrefix("application/json") else {
                    throw FilterError(message: "The $format '\(value)' is not supported.")
                }
            default:
                if name.hasPrefix("$") {
                    throw FilterError(message: "The query parameter '\(name)' is not supported.")
                }
            }
        }
    }
}

extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        var s = self
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
