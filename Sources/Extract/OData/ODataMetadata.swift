import Common

/// What a service's `$metadata` (CSDL XML, OData v4.0 Part 3) says about its entity sets.
///
/// Read at start-up to choose literal forms (`Edm.DateTimeOffset` vs `Edm.Date`), to check that the catalog's
/// columns exist, and to learn whether `TimeStamp` is exposed as `Edm.Binary` — the biggest open question for
/// change detection (syspro.md §1.4, §6).
///
/// This type is a value type and is `Sendable`.
public struct ODataMetadata: Sendable, Hashable {
    public struct Property: Sendable, Hashable {
        public var name: String
        /// The EDM type, e.g. `Edm.Decimal`.
        public var type: String
        public var precision: Int?
        public var scale: Int?
        public var nullable: Bool
    }

    public struct EntityType: Sendable, Hashable {
        public var name: String
        public var keys: [String]
        public var properties: [Property]

        public func property(_ name: String) -> Property? { properties.first(where: { $0.name == name }) }
    }

    /// Entity types by unqualified name.
    public var entityTypes: [String: EntityType]
    /// Entity-set name → unqualified entity-type name.
    public var entitySets: [String: String]

    /// The entity type behind entity set `set` (or, when the container lists no sets, the type of that name).
    public func entityType(forSet set: String) -> EntityType? {
        if let typeName = entitySets[set] { return entityTypes[typeName] }
        return entitySets.isEmpty ? entityTypes[set] : nil
    }

    /// Parses a CSDL document.
    ///
    /// - Throws: `SysproBQError` `.protocolViolation` when it is not XML or has no entity types.
    public static func parse(_ bytes: [UInt8]) throws -> ODataMetadata {
        let root = try XMLTree.parse(bytes, what: "OData $metadata")
        var types: [String: EntityType] = [:]
        for element in root.descendants("EntityType") {
            guard let name = element.attribute("Name") else { continue }
            let keys = element.child("Key")?.children("PropertyRef").compactMap { $0.attribute("Name") } ?? []
            let properties = element.children("Property").compactMap { property -> Property? in
                guard let name = property.attribute("Name"), let type = property.attribute("Type") else { return nil }
                return Property(
                    name: name,
                    type: type,
                    precision: property.attribute("Precision").flatMap { Int($0) },
                    scale: property.attribute("Scale").flatMap { Int($0) },
                    nullable: property.attribute("Nullable").map { $0.lowercased() != "false" } ?? true
                )
            }
            types[name] = EntityType(name: name, keys: keys, properties: properties)
        }
        guard !types.isEmpty else {
            throw SysproBQError(
                .protocolViolation,
                "OData $metadata lists no entity types",
                remedy: "check the OData service root and the metadata URL template",
                disposition: .needsHuman
            )
        }
        var sets: [String: String] = [:]
        for element in root.descendants("EntitySet") {
            guard let name = element.attribute("Name"), let type = element.attribute("EntityType") else { continue }
            sets[name] = String(type.split(separator: ".").last ?? Substring(type))
        }
        return ODataMetadata(entityTypes: types, entitySets: sets)
    }
}

/// A catalog entry fitted to what one OData service offers: the strategy to use, the literal form of each date
/// column, and what was changed and why.
///
/// This type is a value type and is `Sendable`.
public struct ODataEntityPlan: Sendable, Hashable {
    /// The entry to read and to stage under: without `TimeStamp` when the service does not expose it.
    public var entry: CatalogEntry
    /// The first of the entry's strategies the service supports.
    public var strategy: ChangeStrategy
    /// Literal form per date column name.
    public var dateLiterals: [String: ODataDateLiteralKind]
    /// Why the plan differs from the catalog entry, for the log.
    public var notes: [String]

    /// The date column a business-date window filters and pages on: the strategy's, else the entry's.
    public var businessDateCursorColumn: String? {
        if case .businessDate(let column, _) = strategy { return column }
        for strategy in entry.changeStrategies {
            if case .businessDate(let column, _) = strategy { return column }
        }
        return entry.businessDateColumn
    }

    /// Fits `entry` to `metadata` (`nil`: no metadata, use `configuration`'s assumptions).
    ///
    /// - Parameters:
    ///   - rowVersionFilterable: the result of a filter probe, when one was made.
    /// - Throws: `SysproBQError` `.configuration` (terminal) when the service lacks the entity set or a column.
    static func make(
        entry: CatalogEntry,
        metadata: ODataMetadata?,
        configuration: ODataConfiguration,
        rowVersionFilterable: Bool?
    ) throws -> ODataEntityPlan {
        var entry = entry
        var notes: [String] = []
        var dateLiterals: [String: ODataDateLiteralKind] = [:]
        var rowVersionExposed: Bool
        switch configuration.rowVersionAvailability {
        case .available: rowVersionExposed = true
        case .unavailable: rowVersionExposed = false
        case .auto: rowVersionExposed = metadata != nil
        }
        if let metadata {
            guard let type = metadata.entityType(forSet: entry.table) else {
                throw SysproBQError(
                    .configuration,
                    "OData: the service's $metadata has no entity set '\(entry.table)'",
                    remedy: "check the table name (case matters) and that the operator may read it; sets the service "
                        + "offers include \(metadata.entitySets.keys.sorted().prefix(12).joined(separator: ", "))",
                    disposition: .terminal
                )
            }
            let missing = entry.dataColumns.map(\.name).filter { type.property($0) == nil }
            var essential = Set(entry.keyColumns)
            if let column = entry.businessDateColumn { essential.insert(column) }
            if case .column(let column, _) = entry.partitioning { essential.insert(column) }
            for strategy in entry.changeStrategies {
                if case .businessDate(let column, _) = strategy { essential.insert(column) }
            }
            let missingEssential = missing.filter(essential.contains)
            guard missing.isEmpty || (missingEssential.isEmpty && configuration.missingColumns == .drop) else {
                let names = (missingEssential.isEmpty ? missing : missingEssential).joined(separator: ", ")
                throw SysproBQError(
                    .configuration,
                    "OData: entity \(entry.table) has no column \(names)",
                    remedy: "correct the names (case matters) or override the entry's keyColumns/businessDateColumn in "
                        + "the catalog configuration; other missing columns are dropped (or list them in exclude_columns)",
                    disposition: .terminal
                )
            }
            if !missing.isEmpty {
                // SYSPRO versions differ in columns: stage what the service has, and say so.
                let dropped = Set(missing)
                entry.columns.removeAll(where: { dropped.contains($0.name) })
                entry.amountColumns.removeAll(where: dropped.contains)
                entry.clustering.removeAll(where: dropped.contains)
                notes.append("dropped columns the service lacks: \(missing.joined(separator: ", "))")
            }
            if let name = entry.rowVersionColumn, configuration.rowVersionAvailability == .auto {
                let property = type.property(name)
                rowVersionExposed = property?.type == "Edm.Binary"
                if !rowVersionExposed {
                    notes.append(
                        property == nil
                            ? "$metadata does not expose \(name)"
                            : "\(name) is \(property!.type), not Edm.Binary"
                    )
                }
            }
            for column in entry.columns where column.sqlType == .datetime || column.sqlType == .date {
                switch type.property(column.name)?.type {
                case "Edm.Date": dateLiterals[column.name] = .date
                case "Edm.DateTime": dateLiterals[column.name] = .dateTime
                default: dateLiterals[column.name] = .dateTimeOffset
                }
            }
            for column in entry.dataColumns {
                guard case .decimal(let precision, let scale) = column.sqlType,
                    let property = type.property(column.name),
                    property.type == "Edm.Decimal", let serverPrecision = property.precision,
                    let serverScale = property.scale, serverPrecision != precision || serverScale != scale
                else { continue }
                notes.append(
                    "\(column.name) is decimal(\(serverPrecision),\(serverScale)) on the server, "
                        + "decimal(\(precision),\(scale)) in the catalog"
                )
            }
        } else {
            for column in entry.columns where column.sqlType == .datetime || column.sqlType == .date {
                dateLiterals[column.name] = configuration.dateLiteralKind
            }
            if configuration.rowVersionAvailability == .auto { notes.append("no $metadata to show TimeStamp") }
        }
        if entry.rowVersionColumn != nil, !rowVersionExposed {
            entry = entry.withoutRowVersion()
        } else if rowVersionFilterable == false {
            // Still selected: rows keep their rowversion as `_version`; only the change filter cannot use it.
            entry.changeStrategies.removeAll(where: { $0 == .rowVersion })
            if entry.changeStrategies.isEmpty { entry.changeStrategies = [.snapshot] }
            notes.append("the service rejected a TimeStamp filter")
        }
        let strategy = entry.changeStrategies.first ?? .snapshot
        return ODataEntityPlan(entry: entry, strategy: strategy, dateLiterals: dateLiterals, notes: notes)
    }
}
