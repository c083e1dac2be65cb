import Foundation
import GatewayCore
import Signatures
import Testing
import TestSupport

/// Every way an XML signature must not be believed, each answered with its own reason.
@Suite struct XMLSignatureRefusalTests {
    let ds = "http://www.w3.org/2000/09/xmldsig#"

    @Test func unsignedDocument() throws {
        #expect(try Fixtures.xmlRefusal(SampleDocuments.licenceDecision)?.reason == .missingSignature)
    }

    @Test func secondSignatureInsideTheDocument() throws {
        let signed = try Fixtures.signedXML()
        let start = try #require(signed.range(of: "<ds:Signature")).lowerBound
        let signature = signed[start...].components(separatedBy: "</ds:Signature>")[0] + "</ds:Signature>"
        let doubled = try Fixtures.replacingOnce(signed, "<ApprovedGoodsLines>", with: "<ApprovedGoodsLines>" + signature)
        let refusal = try Fixtures.xmlRefusal(doubled)
        #expect(refusal?.reason == .multipleSignatures)
        #expect(refusal?.path == "/LicenceDecision/ApprovedGoodsLines/ds:Signature")
    }

    @Test func signatureThatIsNotTheLastChild() throws {
        let signed = try Fixtures.signedXML()
        let moved = try Fixtures.replacingOnce(
            try Fixtures.replacingOnce(signed, "<DecisionTime>2025-02-27T15:28:40+07:00</DecisionTime>", with: ""),
            "</ds:Signature>", with: "</ds:Signature><DecisionTime>2025-02-27T15:28:40+07:00</DecisionTime>")
        #expect(try Fixtures.xmlRefusal(moved)?.reason == .misplacedSignature)
    }

    @Test func validSignatureOverOnlyPartOfTheDocumentIsWrapping() throws {
        // A correct signature (made by xmlsec1) that covers only the goods lines: everything
        // else could be changed under it, so it is refused although it verifies cryptographically.
        let document = try Fixtures.replacingOnce(SampleDocuments.licenceDecision, "<ApprovedGoodsLines>", with: "<ApprovedGoodsLines Id=\"goods\">")
        let signed = try SignatureTemplate.signWithXMLSec1(document, template: SignatureTemplate.enveloped(uri: "#goods"), signer: "moit",
                                                           extraArguments: ["--id-attr:Id", "urn:vn:gov:moit:eps:1:ApprovedGoodsLines"])
        let refusal = try Fixtures.xmlRefusal(signed)
        #expect(refusal?.reason == .referenceNotWholeDocument)
        #expect(refusal?.message.contains("URI=\"#goods\"") == true)
        let tampered = try Fixtures.replacingOnce(signed, "<Decision>APPROVED</Decision>", with: "<Decision>REJECTED</Decision>")
        #expect(try Fixtures.xmlRefusal(tampered)?.reason == .referenceNotWholeDocument)
    }

    @Test func referenceWithoutURIOrASecondReference() throws {
        let signed = try Fixtures.signedXML()
        #expect(try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, "<ds:Reference URI=\"\">", with: "<ds:Reference>"))?.reason
                == .referenceNotWholeDocument)
        let reference = signed.components(separatedBy: "<ds:Reference URI=\"\">")[1].components(separatedBy: "</ds:Reference>")[0]
        let twice = try Fixtures.replacingOnce(signed, "</ds:Reference>", with: "</ds:Reference><ds:Reference URI=\"\">\(reference)</ds:Reference>")
        #expect(try Fixtures.xmlRefusal(twice)?.reason == .referenceNotWholeDocument)
    }

    @Test(arguments: [
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/></ds:Transform>",
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>",
        "<ds:Transform Algorithm=\"http://www.w3.org/2002/06/xmldsig-filter2\"/>",
        "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#base64\"/>",
    ])
    func transformsOtherThanEnvelopedAndCanonicalization(transform: String) throws {
        let signed = try Fixtures.signedXML()
        let exclusive = "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
        let refusal = try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, exclusive, with: transform))
        #expect(refusal?.reason == .transformNotAllowed)
        #expect(refusal?.path?.hasSuffix("ds:Transform[2]") == true)
    }

    @Test func referenceWithoutTheEnvelopedTransform() throws {
        let signed = try Fixtures.signedXML()
        let enveloped = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
        #expect(try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, enveloped, with: ""))?.reason == .transformNotAllowed)
    }

    @Test func sha1SignatureMadeByXMLSec1() throws {
        let template = SignatureTemplate.enveloped(signatureMethod: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                                                   digestMethod: "http://www.w3.org/2000/09/xmldsig#sha1")
        let signed = try SignatureTemplate.signWithXMLSec1(SampleDocuments.licenceDecision, template: template, signer: "moit")
        let refusal = try Fixtures.xmlRefusal(signed)
        #expect(refusal?.reason == .algorithmNotAllowed)
        #expect(refusal?.message.contains("SHA-1 is not accepted") == true)
    }

    @Test func sha1DigestUnderAnRSASHA256Signature() throws {
        let template = SignatureTemplate.enveloped(digestMethod: "http://www.w3.org/2000/09/xmldsig#sha1")
        let signed = try SignatureTemplate.signWithXMLSec1(SampleDocuments.licenceDecision, template: template, signer: "moit")
        let refusal = try Fixtures.xmlRefusal(signed)
        #expect(refusal?.reason == .algorithmNotAllowed)
        #expect(refusal?.message.contains("digest method") == true)
    }

    @Test(arguments: [
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-md5", "MD5"),
        ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "HMAC"),
        ("http://www.w3.org/2000/09/xmldsig#hmac-sha1", "HMAC"),
        ("http://www.w3.org/2000/09/xmldsig#dsa-sha1", "SHA-1"),
        ("", "no algorithm"),
    ])
    func weakOrSecretKeySignatureMethods(method: String, named: String) throws {
        let signed = try Fixtures.signedXML()
        let rsa = "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
        let refusal = try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, rsa, with: "<ds:SignatureMethod Algorithm=\"\(method)\"/>"))
        #expect(refusal?.reason == .algorithmNotAllowed)
        #expect(refusal?.message.contains(named) == true)
    }

    @Test(arguments: [
        ("<ApprovedQuantity unit=\"TNE\">1200</ApprovedQuantity>", "<ApprovedQuantity unit=\"TNE\">1300</ApprovedQuantity>"),
        ("<ApprovedQuantity unit=\"TNE\">450</ApprovedQuantity>", "<ApprovedQuantity unit=\"KGM\">450</ApprovedQuantity>"),
        ("<Decision>APPROVED</Decision>", "<Decision>APPROVED</Decision><Remark>added</Remark>"),
        ("Nguyễn Thị Thanh Hương", "Nguyen Thi Thanh Huong"),
    ])
    func contentOrAttributesChangedAfterSigning(original: String, tampered: String) throws {
        let signed = try Fixtures.signedXML()
        let refusal = try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, original, with: tampered))
        #expect(refusal?.reason == .digestMismatch)
        #expect(refusal?.message.contains("changed after it was signed") == true)
    }

    @Test func digestValueChanged() throws {
        let signed = try Fixtures.signedXML()
        let digest = signed.components(separatedBy: "<ds:DigestValue>")[1].components(separatedBy: "</ds:DigestValue>")[0]
        let flipped = (digest.first == "A" ? "B" : "A") + digest.dropFirst()
        #expect(try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, digest, with: flipped))?.reason == .digestMismatch)
    }

    @Test(arguments: ["moit", "mard"])
    func signatureValueChanged(party: String) throws {
        let signed = try Fixtures.signedXML(by: party)
        let value = signed.components(separatedBy: "<ds:SignatureValue>")[1].components(separatedBy: "</ds:SignatureValue>")[0]
        let index = value.index(value.startIndex, offsetBy: 10)
        let flipped = value.replacingCharacters(in: index...index, with: value[index] == "A" ? "B" : "A")
        #expect(try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, value, with: flipped))?.reason == .signatureValueInvalid)
    }

    @Test(arguments: [("moit", "bank-bidv"), ("moit", "mard"), ("mard", "customs-core")])
    func keyInfoCertificateThatDidNotMakeTheSignature(signer: String, substitute: String) throws {
        let signed = try Fixtures.signedXML(by: signer)
        let genuine = Fixtures.base64(ofPEM: Fixtures.pki.signer(signer).certificate)
        let other = Fixtures.base64(ofPEM: Fixtures.pki.signer(substitute).certificate)
        let refusal = try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, genuine, with: other))
        #expect(refusal?.reason == .signatureValueInvalid)
        #expect(refusal?.message.contains("did not make this signature") == true)
    }

    @Test func signatureWithoutCertificate() throws {
        let signed = try Fixtures.signedXML()
        let keyInfo = "<ds:KeyInfo>" + signed.components(separatedBy: "<ds:KeyInfo>")[1].components(separatedBy: "</ds:KeyInfo>")[0] + "</ds:KeyInfo>"
        #expect(try Fixtures.xmlRefusal(try Fixtures.replacingOnce(signed, keyInfo, with: ""))?.reason == .certificateMissing)
        let garbage = try Fixtures.replacingOnce(signed, Fixtures.base64(ofPEM: Fixtures.pki.signer("moit").certificate), with: "bm90IGEgY2VydGlmaWNhdGU=")
        #expect(try Fixtures.xmlRefusal(garbage)?.reason == .certificateMalformed)
    }

    @Test func objectsInsideTheSignatureAreNotAccepted() throws {
        let signed = try Fixtures.signedXML()
        let withObject = try Fixtures.replacingOnce(signed, "</ds:KeyInfo>", with: "</ds:KeyInfo><ds:Object><ds:Manifest/></ds:Object>")
        #expect(try Fixtures.xmlRefusal(withObject)?.reason == .malformedSignature)
    }

    @Test func hostileDocumentNeverReachesTheVerifier() throws {
        let verifier = XMLSignatureVerifier(trust: try Fixtures.trust())
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><d>&x;</d>"
        #expect { _ = try verifier.verify(Array(xxe.utf8), at: Date()) } throws: { ($0 as? GatewayError)?.code == .malformed }
    }
}
