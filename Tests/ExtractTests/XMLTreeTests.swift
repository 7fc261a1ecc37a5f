import Common
import Testing

@testable import Extract

@Suite struct XMLTreeTests {
    /// Elements, attributes, entities, CDATA, comments and the declaration are read; text keeps its spaces.
    @Test func parsesTolerantXML() throws {
        let xml = """
            <?xml version="1.0" encoding="Windows-1252"?>
            <!-- comment --><InvMaster Language='05' Version="7.0.053"><Row><StockCode> 00001</StockCode>\
            <Description>A &amp; B &lt;x&gt; &quot;q&quot; &apos;s&apos; &#233;&#x20AC; &nbsp;</Description>\
            <Notes><![CDATA[<raw> & ]]></Notes><Empty/></Row></InvMaster>
            """
        let root = try XMLTree.parse(Array(xml.utf8), what: "test")
        #expect(root.name == "InvMaster")
        #expect(root.attribute("language") == "05")
        let row = try #require(root.child("row"))
        #expect(row.child("STOCKCODE")?.text == " 00001")
        #expect(row.child("Description")?.text == "A & B <x> \"q\" 's' é€ &nbsp;")
        #expect(row.child("Notes")?.text == "<raw> & ")
        #expect(row.child("Empty")?.text == "")
    }

    /// Names are matched on their local part, ignoring ASCII case, for elements, descendants and attributes
    /// (CSDL documents carry `edmx:` prefixes and `m:`-prefixed attributes); nothing else counts as equal.
    @Test func namesMatchOnTheirLocalPartIgnoringCase() throws {
        let xml = """
            <edmx:Edmx xmlns:edmx="e"><edmx:DataServices><Schema><EntityType m:Name="GenTransaction" Type2="x">            <Property Name="EntryValue" Scale="2"/><Property Name="Other"/></EntityType>            <ÉntityType Name="accented"/></Schema></edmx:DataServices></edmx:Edmx>
            """
        let root = try XMLTree.parse(Array(xml.utf8), what: "test")
        #expect(root.child("dataservices")?.name == "edmx:DataServices")
        let types = root.descendants("ENTITYTYPE")
        #expect(types.count == 1)
        #expect(types.first?.attribute("name") == "GenTransaction")
        #expect(types.first?.attribute("Type") == nil)
        #expect(types.first?.attribute("Type2") == "x")
        #expect(types.first?.children("property").compactMap { $0.attribute("NAME") } == ["EntryValue", "Other"])
        #expect(root.descendants("éntitytype").isEmpty)
        #expect(root.descendants("ÉntityType").count == 1)
        #expect(XMLTree.localName(of: "a:b:Key", equals: "key"))
        #expect(!XMLTree.localName(of: "Keys", equals: "key"))
        #expect(!XMLTree.localName(of: "ab", equals: "b"))
        #expect(XMLTree.localName(of: ":x", equals: "X"))
    }

    /// The declared encoding is found.
    @Test func findsDeclaredEncoding() {
        #expect(
            XMLTree.declaredEncoding(Array(#"<?xml version="1.0" encoding="Windows-1252"?><a/>"#.utf8))
                == "windows-1252"
        )
        #expect(XMLTree.declaredEncoding(Array("<a/>".utf8)) == nil)
    }

    /// A truncated document and a mismatched end tag are errors naming the offset.
    @Test(arguments: ["<a><b>text</b>", "<a><b></a>", "not xml", "<a x=1/>"])
    func malformedXMLIsAnError(_ xml: String) {
        let error = caught { _ = try XMLTree.parse(Array(xml.utf8), what: "e.net COMFND") }
        #expect(error?.code == .protocolViolation)
        #expect(error?.message.contains("at byte") == true)
    }

    /// Windows-1252 bytes decode to the right characters, including 0x80–0x9F.
    @Test func windows1252Decoding() throws {
        let bytes: [UInt8] = [0x80, 0x20, 0x9C, 0x20, 0x92, 0x20, 0xE9, 0x20, 0x41]
        let decoded = try Windows1252.decode(bytes, policy: .reject, what: "test")
        #expect(String(decoding: decoded, as: UTF8.self) == "€ œ ’ é A")
    }

    /// An undefined byte is an error naming its offset, or a C1 control with mapToC1.
    @Test(arguments: [0x81, 0x8D, 0x8F, 0x90, 0x9D] as [UInt8])
    func undefinedWindows1252Bytes(_ byte: UInt8) throws {
        let error = caught { _ = try Windows1252.decode([0x41, byte], policy: .reject, what: "test") }
        #expect(error?.message.contains("offset 1") == true)
        let mapped = try Windows1252.decode([0x41, byte], policy: .mapToC1, what: "test")
        #expect(String(decoding: mapped, as: UTF8.self).unicodeScalars.last?.value == UInt32(byte))
    }
}
