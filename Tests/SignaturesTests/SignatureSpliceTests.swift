import Foundation
import GatewayCore
@testable import Signatures
import Testing
import TestSupport

/// The signature is written into the bytes the signer was given, before the root's end tag —
/// past whatever comments and processing instructions follow the root — and the document keeps
/// every byte it had; where that is not possible the tree is serialised instead.
@Suite struct SignatureSpliceTests {
    @Test func theRootEndTagIsFoundPastTrailingCommentsAndInstructions() {
        let text = "<?xml version=\"1.0\"?>\n<a:Doc xmlns:a=\"urn:a\"><a:x>1</a:x></a:Doc>\n<!-- </a:Doc> in a comment -->\n<?pi data?>\n"
        let end = SignatureSplice.rootEndTag(in: Array(text.utf8), named: "a:Doc")
        #expect(end.map { String(text.utf8.dropFirst($0).prefix(8))! } == "</a:Doc>")
        #expect(SignatureSplice.rootEndTag(in: Array("<Doc/>".utf8), named: "Doc") == nil)
        #expect(SignatureSplice.rootEndTag(in: Array("<Doc><x/></Doc >".utf8), named: "Doc") == 9)
        #expect(SignatureSplice.rootEndTag(in: Array("<Doc><x></x>".utf8), named: "Doc") == nil)
    }

    @Test func theSignedBytesAreTheGivenBytesWithTheSignatureAdded() throws {
        let original = Fixtures.licenceDecision
        let signed = try Fixtures.signer("moit").xml.sign(original)
        let text = String(decoding: signed, as: UTF8.self)
        let start = try #require(text.range(of: "<ds:Signature"))
        let end = try #require(text.range(of: "</ds:Signature>"))
        let without = String(text[..<start.lowerBound]) + String(text[end.upperBound...])
        #expect(Array(without.utf8) == original)
        #expect(try Fixtures.xmlRefusal(text) == nil)
    }

    @Test func aSelfClosingRootIsSignedThroughTheTree() throws {
        let signed = try Fixtures.signer("moit").xml.sign(Array("<Empty xmlns=\"urn:e\"/>".utf8))
        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.contains("<Empty xmlns=\"urn:e\"><ds:Signature"))
    }
}
