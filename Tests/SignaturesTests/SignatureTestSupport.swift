import Foundation
import GatewayCore
import HardenedXML
import Signatures
import Testing
import TestSupport

/// Signers, trusts and refusal helpers shared by the signature tests.
enum Fixtures {
    static let pki = TestPKI.shared
    static let parser = HardenedXMLParser()

    static func signer(_ name: String, jws scheme: SignatureScheme? = nil) throws -> MessageSigner {
        let files = pki.signer(name)
        return try MessageSigner(keyFile: files.key, certificateFile: files.certificate, chainFile: files.chain, jwsScheme: scheme)
    }

    static func certificate(_ name: String) throws -> Certificate {
        try #require(try Certificate.certificates(pem: read(pki.signer(name).certificate)).first)
    }

    static func trust(_ directory: String = pki.vietnamTrust, requireCRL: Bool = false,
                      additional: [any SignerPolicy] = []) throws -> SignerTrust {
        .standard(store: try TrustStore(directory: directory), requireRevocationList: requireCRL, additional: additional)
    }

    static let licenceDecision = Array(SampleDocuments.licenceDecision.utf8)
    static let paymentConfirmation = Array(SampleDocuments.paymentConfirmation.utf8)

    static func signedXML(by name: String = "moit") throws -> String {
        String(decoding: try signer(name).xml.sign(licenceDecision), as: UTF8.self)
    }

    static func signedJWS(by name: String = "bank-vcb", _ scheme: SignatureScheme? = nil) throws -> String {
        try signer(name, jws: scheme).jws.sign(payload: paymentConfirmation)
    }

    /// Verifies `xml` and returns the refusal's reason, or nil when it verified.
    static func xmlRefusal(_ xml: String, trust: SignerTrust? = nil, at time: Date = Date()) throws -> SignatureRefusal? {
        let document = try parser.parse(Array(xml.utf8))
        let verifier = XMLSignatureVerifier(trust: try trust ?? Fixtures.trust())
        do {
            _ = try verifier.verify(document, at: time)
            return nil
        } catch {
            return error
        }
    }

    static func jwsRefusal(_ compact: String, trust: SignerTrust? = nil, at time: Date = Date()) throws -> SignatureRefusal? {
        let verifier = JWSVerifier(trust: try trust ?? Fixtures.trust())
        do {
            _ = try verifier.verify(compact, at: time)
            return nil
        } catch {
            return error
        }
    }

    /// Replaces exactly one occurrence, so a test never silently mutates nothing.
    static func replacingOnce(_ text: String, _ target: String, with replacement: String) throws -> String {
        let ranges = text.ranges(of: target)
        try #require(ranges.count == 1, "expected one \"\(target)\", found \(ranges.count)")
        return text.replacingCharacters(in: ranges[0], with: replacement)
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64(ofPEM path: String) -> String {
        String(decoding: read(path), as: UTF8.self)
            .components(separatedBy: "-----BEGIN CERTIFICATE-----")[1]
            .components(separatedBy: "-----END CERTIFICATE-----")[0]
            .filter { !$0.isWhitespace }
    }
}

/// An XML-DSig template of the world's profile, for xmlsec1 to fill in.
enum SignatureTemplate {
    static func enveloped(signatureMethod: String = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                          digestMethod: String = "http://www.w3.org/2001/04/xmlenc#sha256",
                          uri: String = "") -> String {
        """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="\(signatureMethod)"/>\
        <ds:Reference URI="\(uri)"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="\(digestMethod)"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>\
        <ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
    }

    /// Has the reference tool, xmlsec1, sign `document` with `template` appended to its root.
    static func signWithXMLSec1(_ document: String, template: String, signer name: String,
                                extraArguments: [String] = []) throws -> String {
        let directory = temporaryDirectory("xmlsec1")
        let input = directory + "/template.xml", output = directory + "/signed.xml"
        write(try Fixtures.replacingOnce(document, "</LicenceDecision>", with: template + "</LicenceDecision>"), to: input)
        let files = Fixtures.pki.signer(name)
        let result = Command.run("xmlsec1", ["--sign", "--privkey-pem", "\(files.key),\(files.certificate),\(files.chain)"]
                                 + extraArguments + ["--output", output, input])
        try #require(result.status == 0, "xmlsec1 --sign failed: \(result.standardError)")
        return String(decoding: read(output), as: UTF8.self)
    }
}
