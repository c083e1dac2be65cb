import CXMLSec
import Foundation
import GatewayCore
import HardenedXML
@testable import Signatures
import Testing
import TestSupport

/// The direct path of the usual signature (libxml2's canonicalization and OpenSSL, no libxmlsec1)
/// says what libxmlsec1 says, document by document: signatures of the gateway and of xmlsec1 itself
/// hold on both; every alteration fails on both.
@Suite struct DirectSignatureTests {
    static func verdicts(_ xml: String) throws -> (direct: Bool, libxmlsec1: Bool) {
        let document = try Fixtures.parser.parse(Array(xml.utf8))
        let profile = try EnvelopedSignatureProfile.inspect(document)
        let signer = SignerSelection.signer(among: try profile.certificates.map { try CertificateCache.certificate(base64: $0.textContent) })
        let key = try #require(signer.publicKey)
        let kind = try #require(signer.keyKind)
        let parts = try #require(DirectSignature.parts(of: profile, key: kind), "the usual profile takes the direct path")
        let direct = DirectSignature.verifies(parts, in: document, publicKey: key)
        let context = try DSigContext(key: key)
        let libxmlsec1 = xmlSecDSigCtxVerify(context.pointer, profile.signature.pointer) >= 0 && context.status == xmlSecDSigStatusSucceeded
        _ = XMLSecLibrary.takeErrors()
        return (direct, libxmlsec1)
    }

    static func signedDocuments() throws -> [(String, String)] {
        let decision = SampleDocuments.licenceDecision
        return [
            ("gateway RSA", try Fixtures.signedXML(by: "moit")),
            ("gateway P-256", try Fixtures.signedXML(by: "mard")),
            ("xmlsec1 RSA", try SignatureTemplate.signWithXMLSec1(decision, template: SignatureTemplate.enveloped(), signer: "moit")),
            ("xmlsec1 P-256", try SignatureTemplate.signWithXMLSec1(decision, template: SignatureTemplate.enveloped(
                signatureMethod: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"), signer: "mard")),
        ]
    }

    @Test func genuineSignaturesHoldOnBothPaths() throws {
        for (name, xml) in try Self.signedDocuments() {
            let verdicts = try Self.verdicts(xml)
            #expect(verdicts.direct && verdicts.libxmlsec1, "\(name): direct \(verdicts.direct), libxmlsec1 \(verdicts.libxmlsec1)")
        }
    }

    /// Exclusive canonicalization renders only the namespaces an element uses: one declared and
    /// unused changes no signed byte, on either path.
    @Test func anUnusedNamespaceDeclarationChangesNothingOnEitherPath() throws {
        for (name, xml) in try Self.signedDocuments() {
            let verdicts = try Self.verdicts(xml.replacingOccurrences(of: "<ds:SignedInfo>", with: "<ds:SignedInfo xmlns:x=\"urn:x\">"))
            #expect(verdicts.direct && verdicts.libxmlsec1, "\(name): direct \(verdicts.direct), libxmlsec1 \(verdicts.libxmlsec1)")
        }
    }

    @Test func everyAlterationFailsOnBothPaths() throws {
        for (name, xml) in try Self.signedDocuments() {
            let digest = try #require(xml.firstRange(of: "<ds:DigestValue>").map { xml[$0.upperBound...].prefix(4) })
            let value = try #require(xml.firstRange(of: "<ds:SignatureValue>").map { xml[$0.upperBound...].prefix(4) })
            let alterations = [
                ("content", try Fixtures.replacingOnce(xml, "<LicenceDecision", with: "<LicenceDecision data-x=\"1\"")),
                ("whitespace before the signature", xml.replacingOccurrences(of: "<ds:Signature", with: " <ds:Signature")),
                ("digest value", try Fixtures.replacingOnce(xml, "<ds:DigestValue>" + digest, with: "<ds:DigestValue>" + String(digest.reversed()))),
                ("signature value", try Fixtures.replacingOnce(xml, "<ds:SignatureValue>" + value, with: "<ds:SignatureValue>" + String(value.reversed()))),
                ("signed info", xml.replacingOccurrences(of: "<ds:SignedInfo>", with: "<ds:SignedInfo Id=\"altered\">")),
            ]
            for (what, altered) in alterations where altered != xml {
                let verdicts = try Self.verdicts(altered)
                #expect(!verdicts.direct && !verdicts.libxmlsec1, "\(name), \(what): direct \(verdicts.direct), libxmlsec1 \(verdicts.libxmlsec1)")
            }
        }
    }
}
