import Testing

@testable import syspro_sim

@Suite struct FilterParserTests {
    static let schema = Catalog.apInvoice
    static func col(_ name: String) -> Int { schema.position(of: name)! }

    /// Valid expressions parse into the expected tree, literals typed as OData spells them.
    @Test(arguments: [
        ("Supplier eq '   10'", FilterExpression.compare(column: col("Supplier"), op: .eq, literal: .string("   10"))),
        ("Reference eq 'O''Brien'", .compare(column: col("Reference"), op: .eq, literal: .string("O'Brien"))),
        (
            "OrigInvValue gt 1234.50",
            .compare(column: col("OrigInvValue"), op: .gt, literal: .number(unscaled: 123450, scale: 2))
        ),
        (
            "OrigInvValue le -5",
            .compare(column: col("OrigInvValue"), op: .le, literal: .number(unscaled: -5, scale: 0))
        ),
        (
            "1000 lt OrigInvValue",
            .compare(column: col("OrigInvValue"), op: .gt, literal: .number(unscaled: 1000, scale: 0))
        ),
        (
            "InvoiceDate ge 2024-01-01T00:00:00Z",
            .compare(column: col("InvoiceDate"), op: .ge, literal: .instant(1_704_067_200))
        ),
        (
            "InvoiceDate lt 2024-01-01T00:00:00+02:00",
            .compare(column: col("InvoiceDate"), op: .lt, literal: .instant(1_704_060_000))
        ),
        (
            "InvoiceDate lt 2024-01-01T00:00:00.1234567-01:30",
            .compare(column: col("InvoiceDate"), op: .lt, literal: .instant(1_704_072_600))
        ),
        (
            "TimeStamp gt binary'AAAAAAAAB9A='",
            .compare(column: col("TimeStamp"), op: .gt, literal: .binary([0, 0, 0, 0, 0, 0, 7, 0xD0]))
        ),
        ("Reference eq null", .compare(column: col("Reference"), op: .eq, literal: .null)),
        (
            "InvoiceYear eq 2024 and InvoiceMonth ge 3",
            .and(
                .compare(column: col("InvoiceYear"), op: .eq, literal: .number(unscaled: 2024, scale: 0)),
                .compare(column: col("InvoiceMonth"), op: .ge, literal: .number(unscaled: 3, scale: 0))
            )
        ),
        (
            "not (InvoiceYear eq 2024) or InvoiceMonth le 3",
            .or(
                .not(.compare(column: col("InvoiceYear"), op: .eq, literal: .number(unscaled: 2024, scale: 0))),
                .compare(column: col("InvoiceMonth"), op: .le, literal: .number(unscaled: 3, scale: 0))
            )
        ),
        (
            "a eq 1 or b eq 2 and c eq 3".isEmpty ? "" : "Journal eq 1 or Journal eq 2 and Journal eq 3",
            .or(
                .compare(column: col("Journal"), op: .eq, literal: .number(unscaled: 1, scale: 0)),
                .and(
                    .compare(column: col("Journal"), op: .eq, literal: .number(unscaled: 2, scale: 0)),
                    .compare(column: col("Journal"), op: .eq, literal: .number(unscaled: 3, scale: 0))
                )
            )
        ),
    ])
    func validExpressionsParse(text: String, expected: FilterExpression) throws {
        #expect(try FilterParser.parse(text, schema: Self.schema) == expected)
    }

    /// Bad syntax, unknown columns and mismatched literal types are rejected.
    @Test(arguments: [
        "Nope eq 1", "Supplier eq", "Supplier eq 5", "(Supplier eq 'x'", "Supplier eq 'x')",
        "InvoiceDate ge 2024-01-01",
        "Supplier gt null", "Supplier eq 'unterminated", "Supplier = 'x'", "OrigInvValue gt 1e5",
        "TimeStamp gt binary'***'",
        "supplier eq 'x'", "Supplier eq 'a' and", "InvoiceDate ge 2024-13-01T00:00:00Z", "",
    ])
    func invalidExpressionsAreRejected(text: String) {
        #expect(throws: FilterError.self) { try FilterParser.parse(text, schema: Self.schema) }
    }

    /// A DateTimeOffset literal compares as an instant: with +02:00 dates, local midnight of
    /// 2024-01-01 is 2023-12-31T22:00Z, so `ge 2024-01-01T00:00:00Z` excludes that day.
    @Test func dateComparisonUsesTheServedOffset() throws {
        var b = RowBuilder(Self.schema)
        b.set("InvoiceDate", date: CivilDate.days(year: 2024, month: 1, day: 1))
        let evaluator = FilterEvaluator(schema: Self.schema, offsetSeconds: 7200)
        let utc = try FilterParser.parse("InvoiceDate ge 2024-01-01T00:00:00Z", schema: Self.schema)
        let local = try FilterParser.parse("InvoiceDate ge 2024-01-01T00:00:00+02:00", schema: Self.schema)
        #expect(!evaluator.matches(utc, b.values))
        #expect(evaluator.matches(local, b.values))
    }

    /// Strings compare by bytes: a leading space sorts before digits, upper before lower case.
    @Test func stringsCompareOrdinally() throws {
        var b = RowBuilder(Self.schema)
        b.set("Supplier", "   10")
        let evaluator = FilterEvaluator(schema: Self.schema, offsetSeconds: 0)
        #expect(evaluator.matches(try FilterParser.parse("Supplier lt '0'", schema: Self.schema), b.values))
        #expect(!evaluator.matches(try FilterParser.parse("Supplier eq '10'", schema: Self.schema), b.values))
        #expect(Value.compareBytes("Z", "a") < 0)
    }

    /// Decimals compare exactly across scales.
    @Test func decimalsCompareExactly() throws {
        var b = RowBuilder(Catalog.invWarehouse)
        b.set("QtyOnHand", unscaled: 12_345_678_123_457)
        let evaluator = FilterEvaluator(schema: Catalog.invWarehouse, offsetSeconds: 0)
        let eq = try FilterParser.parse("QtyOnHand eq 12345678.123457", schema: Catalog.invWarehouse)
        let gt = try FilterParser.parse("QtyOnHand gt 12345678.1234569999", schema: Catalog.invWarehouse)
        #expect(evaluator.matches(eq, b.values))
        #expect(evaluator.matches(gt, b.values))
    }
}
