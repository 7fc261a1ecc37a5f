/// The CSDL `$metadata` document for the simulated tables (OData v4, ASP.NET Web API style):
/// `char`/`varchar` → `Edm.String` with MaxLength, `decimal(p,s)` → `Edm.Decimal` with
/// Precision/Scale, `datetime` → `Edm.DateTimeOffset`, `timestamp` → `Edm.Binary` (8 bytes,
/// computed, a concurrency token).
enum MetadataDocument {
    static func render() -> String {
        var x = """
            <?xml version="1.0" encoding="utf-8"?>
            <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
            <edmx:DataServices>
            <Schema Namespace="SYSPRO" xmlns="http://docs.oasis-open.org/odata/ns/edm">

            """
        for table in Catalog.all {
            x += "<EntityType Name=\"\(table.name)\">\n<Key>\n"
            for k in table.key { x += "<PropertyRef Name=\"\(table.columns[k].name)\"/>\n" }
            x += "</Key>\n"
            for (i, c) in table.columns.enumerated() {
                let nullable =
                    table.key.contains(i) || !(c.nullable || c.type == .datetime || c.type == .timestamp)
                    ? " Nullable=\"false\"" : ""
                switch c.type {
                case .char(let n), .varchar(let n):
                    x += "<Property Name=\"\(c.name)\" Type=\"Edm.String\"\(nullable) MaxLength=\"\(n)\"/>\n"
                case .decimal(let p, let s):
                    x +=
                        "<Property Name=\"\(c.name)\" Type=\"Edm.Decimal\"\(nullable) Precision=\"\(p)\" Scale=\"\(s)\"/>\n"
                case .datetime:
                    x += "<Property Name=\"\(c.name)\" Type=\"Edm.DateTimeOffset\"\(nullable)/>\n"
                case .timestamp:
                    x += "<Property Name=\"\(c.name)\" Type=\"Edm.Binary\" MaxLength=\"8\">\n"
                    x += "<Annotation Term=\"Org.OData.Core.V1.Computed\" Bool=\"true\"/>\n</Property>\n"
                }
            }
            x += "</EntityType>\n"
        }
        x += "<EntityContainer Name=\"Container\">\n"
        for table in Catalog.all {
            x += "<EntitySet Name=\"\(table.name)\" EntityType=\"SYSPRO.\(table.name)\">\n"
            x += "<Annotation Term=\"Org.OData.Core.V1.OptimisticConcurrency\">"
            x += "<Collection><PropertyPath>TimeStamp</PropertyPath></Collection></Annotation>\n</EntitySet>\n"
        }
        x += "</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n"
        return x
    }
}
