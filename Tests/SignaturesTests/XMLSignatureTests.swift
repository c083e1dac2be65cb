import Foundation
import GatewayCore
import HardenedXML
import Signatures
import Testing
import TestSupport

@Suite struct XMLSignatureTests {
    @Test(arguments: ["moit", "mard"])
    func signedDocumentVerifiesAndNamesItsSigner(party: String) throws {
        let signed = try Fixtures.signedXML(by: party)
        let verified = try XMLSignatureVerifier(trust: try Fixtures.trust()).verify(Array(signed.utf8), at: Date())
        let certificate = try Fixtures.certificate(party)
        #expect(verified.signature.signer.subject == certificate.subject)
        #expect(verified.signature.signer.fingerprintSHA256 == certificate.fingerprintSHA256)
        #expect(verified.signature.signer.issuer.contains("CN=Demo VN Issuing CA 1"))
        #expect(verified.signature.chain.certificates.count == 3)
        #expect(verified.signature.algorithm == (party == "moit"
            ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"))
    }

    @Test func signatureFollowsTheWorldProfile() throws {
        let signed = try Fixtures.signedXML(by: "moit")
        let document = try Fixtures.parser.parse(Array(signed.utf8))
        let root = try #require(document.rootElement)
        let ds = "http://www.w3.org/2000/09/xmldsig#"
        let signature = try #require(root.childElements.last)
        #expect(signature.isElement("Signature", namespace: ds))
        let signedInfo = try #require(signature.firstChild("SignedInfo", namespace: ds))
        #expect(signedInfo.firstChild("CanonicalizationMethod", namespace: ds)?.attribute("Algorithm") == "http://www.w3.org/2001/10/xml-exc-c14n#")
        let reference = try #require(signedInfo.firstChild("Reference", namespace: ds))
        #expect(reference.attribute("URI") == "")
        #expect(reference.firstChild("Transforms", namespace: ds)?.childElements.compactMap { $0.attribute("Algorithm") } == [
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#",
        ])
        #expect(reference.firstChild("DigestMethod", namespace: ds)?.attribute("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256")
        let certificates = signature.firstChild("KeyInfo", namespace: ds)?.firstChild("X509Data", namespace: ds)?
            .children("X509Certificate", namespace: ds).map { $0.textContent } ?? []
        #expect(certificates == [Fixtures.base64(ofPEM: Fixtures.pki.signer("moit").certificate),
                                 Fixtures.base64(ofPEM: Fixtures.pki.signer("moit").chain)])
        // The document itself is untouched: Vietnamese text and whitespace as they were.
        #expect(signed.contains("<OfficerName>Nguyễn Thị Thanh Hương</OfficerName>\n  <DecisionTime>"))
    }

    @Test(arguments: ["moit", "mard"])
    func xmlsec1VerifiesWhatTheGatewaySigns(party: String) throws {
        let path = temporaryDirectory("interop") + "/signed.xml"
        write(try Fixtures.signedXML(by: party), to: path)
        let result = Command.run("xmlsec1", ["--verify", "--trusted-pem", Fixtures.pki.vietnamTrust + "/vn-root-ca.pem", path])
        #expect(result.status == 0, "xmlsec1: \(result.standardError)")
        #expect(result.standardError.contains("OK"))
    }

    @Test(arguments: [("moit", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
                      ("mard", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")])
    func gatewayVerifiesWhatXMLSec1Signs(party: String, method: String) throws {
        let signed = try SignatureTemplate.signWithXMLSec1(SampleDocuments.licenceDecision,
                                                           template: SignatureTemplate.enveloped(signatureMethod: method), signer: party)
        #expect(try Fixtures.xmlRefusal(signed) == nil)
    }

    @Test func signingTwiceIsRefused() throws {
        let signed = try Fixtures.signedXML()
        #expect(throws: GatewayError.self) { _ = try Fixtures.signer("moit").xml.sign(Array(signed.utf8)) }
    }

    @Test func keyMustBelongToTheCertificate() throws {
        let key = try PrivateKey(pem: read(Fixtures.pki.signer("moit").key))
        #expect {
            _ = try XMLSigner(key: key, certificate: try Fixtures.certificate("bank-bidv"))
        } throws: { ($0 as? GatewayError)?.code == .configurationInvalid }
    }

    @Test func commentsAddedAfterSigningAreOutsideTheSignatureAndHarmless() throws {
        let signed = try Fixtures.signedXML()
        let commented = try Fixtures.replacingOnce(signed, "<Decision>", with: "<!-- routed by the test --><Decision>")
        #expect(try Fixtures.xmlRefusal(commented) == nil)
    }
}
