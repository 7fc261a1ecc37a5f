import Testing

@testable import Load

@Suite struct JSONValueTests {
    /// Objects keep member order and strings are escaped per RFC 8259.
    @Test func rendersOrderedCompactJSON() {
        let value: JSONValue = ["b": 1, "a": ["x\"y\\\n\u{01}", true, .null], "c": .raw("{\"k\":2}")]
        #expect(value.text == #"{"b":1,"a":["x\"y\\\n\u0001",true,null],"c":{"k":2}}"#)
    }
}
