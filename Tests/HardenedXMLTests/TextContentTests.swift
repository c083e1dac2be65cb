import HardenedXML
import Testing

/// An element's text as XPath's string value has it: its one text or CDATA child read in place,
/// anything else gathered by libxml2 — the same either way.
@Suite struct TextContentTests {
    @Test(arguments: [
        ("<a>Nguyễn Thị Thanh Hương</a>", "Nguyễn Thị Thanh Hương"),
        ("<a><![CDATA[x < y & z]]></a>", "x < y & z"),
        ("<a>x &amp; y &#13;</a>", "x & y \r"),
        ("<a>one<b>two</b>three</a>", "onetwothree"),
        ("<a>x<!-- c -->y<?pi z?></a>", "xy"),
        ("<a><b/></a>", ""),
        ("<a/>", ""),
        ("<a></a>", ""),
    ])
    func theTextOfAnElementIsItsStringValue(xml: String, text: String) throws {
        let document = try HardenedXMLParser().parse(Array(xml.utf8))
        #expect(try #require(document.rootElement).textContent == text)
    }
}
