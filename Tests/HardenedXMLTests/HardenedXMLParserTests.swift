import GatewayCore
import HardenedXML
import Testing
import TestSupport

@Suite struct HardenedXMLParserTests {
    let parser = HardenedXMLParser()

    @Test func keepsWhitespaceAndUnicodeAsReceived() throws {
        let document = try parser.parse(Array(SampleDocuments.licenceDecision.utf8))
        let root = try #require(document.rootElement)
        #expect(root.localName == "LicenceDecision")
        #expect(root.namespaceURI == "urn:vn:gov:moit:eps:1")
        #expect(root.firstChild("OfficerName", namespace: "urn:vn:gov:moit:eps:1")?.textContent == "Nguyễn Thị Thanh Hương")
        let serialized = String(decoding: document.serialized(), as: UTF8.self)
        #expect(serialized.contains("\n  <ApprovedGoodsLines>\n    <ApprovedGoodsLine>"))
        #expect(serialized.contains("Dòng hàng 2 được cấp 450 tấn"))
    }

    @Test func aDocumentReadForItsValuesLeavesOutTheIndentationOnly() throws {
        let text = "<a>\n  <b>  </b>\n  <c> x <d>y</d> </c>\n  <e>\n</e>\n  <f/>\n</a>"
        let kept = try parser.parse(Array(text.utf8))
        let read = try parser.forValues.parse(Array(text.utf8))
        #expect(String(decoding: kept.serialized(), as: UTF8.self).contains("<a>\n  <b>"))
        #expect(String(decoding: read.serialized(), as: UTF8.self).contains("<a><b>  </b><c> x <d>y</d> </c><e>\n</e><f/></a>"))
        let root = try #require(read.rootElement)
        #expect(root.childElements.map(\.localName) == ["b", "c", "e", "f"])
        #expect(root.firstChild("b", namespace: nil)?.textContent == "  ", "whitespace that is an element's whole content stays")
        #expect(root.firstChild("e", namespace: nil)?.textContent == "\n")
        #expect(root.firstChild("c", namespace: nil)?.textContent == " x y ", "text beside elements stays")
        let decision = try parser.forValues.parse(Array(SampleDocuments.licenceDecision.utf8))
        let original = try parser.parse(Array(SampleDocuments.licenceDecision.utf8))
        let quantities = { (document: ParsedDocument) in
            try #require(document.rootElement).descendants { $0.localName == "ApprovedQuantity" }.map { "\($0.path)=\($0.textContent)" }
        }
        #expect(try quantities(decision) == quantities(original))
    }

    @Test func reportsWhereADocumentIsBroken() {
        #expect {
            _ = try parser.parse(Array("<a>\n  <b>text</c>\n</a>".utf8))
        } throws: { error in
            let refusal = error as? GatewayError
            return refusal?.code == .malformed
                && refusal?.details.first?.path.hasPrefix("line 2") == true
                && refusal?.message.contains("Opening and ending tag mismatch: b line 2 and c") == true
        }
    }

    @Test func refusesEmptyAndRootlessInput() {
        for text in ["", "   ", "<?xml version=\"1.0\"?>"] {
            #expect(throws: GatewayError.self) { _ = try parser.parse(Array(text.utf8)) }
        }
    }

    @Test func namesElementsByTheirPath() throws {
        let document = try parser.parse(Array(SampleDocuments.licenceDecision.utf8))
        let lines = try #require(document.rootElement).descendants { $0.localName == "ApprovedQuantity" }
        #expect(lines.map(\.path) == [
            "/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[1]/ApprovedQuantity",
            "/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[2]/ApprovedQuantity",
        ])
        #expect(lines.first?.attribute("unit") == "TNE")
        #expect(lines.first?.attributes.map(\.name) == ["unit"])
    }
}
