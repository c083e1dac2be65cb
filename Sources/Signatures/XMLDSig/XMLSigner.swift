import CLibXML2
import CXMLSec
import Foundation
import GatewayCore
import HardenedXML

/// Signs XML documents the way every partner of the world expects (§1.2): an enveloped
/// `ds:Signature` as the last child of the document element, Reference URI="", enveloped-signature
/// then exclusive C14N, SHA-256 digest, rsa-sha256 or ecdsa-sha256 by key type, and the signer's
/// certificate (then its chain) in `ds:KeyInfo/ds:X509Data`.
public struct XMLSigner: Sendable {
    public let key: PrivateKey
    /// The signer's certificate first, then the intermediates to include.
    public let certificates: [Certificate]
    public let signatureMethod: String
    private let certificateTexts: [String]
    private let layout: SignatureLayout

    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = []) throws(GatewayError) {
        guard key.matches(certificate) else {
            throw GatewayError(.configurationInvalid, "The private key does not belong to the certificate \(certificate.subject).")
        }
        switch key.kind {
        case .rsa: signatureMethod = XMLDSigAlgorithms.rsaSHA256
        case .ec where key.kind.isP256: signatureMethod = XMLDSigAlgorithms.ecdsaSHA256
        default:
            throw GatewayError(.configurationInvalid, "A \(key.kind) key cannot sign XML here: RSA (rsa-sha256) or EC P-256 (ecdsa-sha256) is needed.")
        }
        self.key = key
        certificates = [certificate] + chain.filter { $0 != certificate }
        let texts = certificates.map { Data($0.der).base64EncodedString() }
        certificateTexts = texts
        layout = try SignatureLayout { [signatureMethod] (document, root) throws(GatewayError) in
            try Self.template(in: document, root: root, method: signatureMethod, certificates: texts)
        }
    }

    /// Parses (hardened), signs, and returns the bytes with the signature written into them
    /// (`SignatureLayout`, `SignatureSplice`), or the signed tree serialised when they do not
    /// allow it.
    public func sign(_ bytes: [UInt8], parser: HardenedXMLParser = HardenedXMLParser()) throws(GatewayError) -> [UInt8] {
        let document = try parser.parse(bytes)
        try Self.checkUnsigned(document)
        guard let end = SignatureSplice.insertionPoint(in: bytes, of: document) else {
            try place(document)
            return document.serialized()
        }
        guard let digest = CanonicalWalk.digest(of: document.pointer, excluding: nil)
                ?? ExclusiveCanonicalization.digest(of: document.pointer, excluding: nil) else {
            throw GatewayError(.internalError, "The document cannot be canonicalized for its digest.")
        }
        let digestText = Array(Data(digest).base64EncodedString().utf8)
        let value = try DirectSignature.value(over: layout.canonicalSignedInfo.head + digestText + layout.canonicalSignedInfo.tail, key: key)
        var signed = [UInt8]()
        signed.reserveCapacity(bytes.count + layout.written.head.count + layout.written.tail.count + 512)
        signed += bytes[..<end]
        signed += layout.written.head
        signed += digestText
        signed += layout.written.middle
        signed += Array(Data(value).base64EncodedString().utf8)
        signed += layout.written.tail
        signed += bytes[end...]
        return signed
    }

    public func sign(_ document: ParsedDocument) throws(GatewayError) {
        try Self.checkUnsigned(document)
        try place(document)
    }

    private static func checkUnsigned(_ document: ParsedDocument) throws(GatewayError) {
        guard let root = document.rootElement else {
            throw GatewayError(.malformed, "The document has no root element.")
        }
        let existing = root.descendants { $0.isElement("Signature", namespace: XMLDSigAlgorithms.namespace) }
        guard existing.isEmpty, !root.isElement("Signature", namespace: XMLDSigAlgorithms.namespace) else {
            throw GatewayError(.malformed, "The document is already signed; a second signature would not be accepted by any partner.",
                               path: existing.first?.path ?? root.path)
        }
    }

    /// Adds the signature as the root's last child of a document checked to be unsigned.
    @discardableResult
    private func place(_ document: ParsedDocument) throws(GatewayError) -> xmlNodePtr {
        guard let root = document.rootElement else { throw GatewayError(.malformed, "The document has no root element.") }
        let signature = try Self.template(in: document.pointer, root: root.pointer, method: signatureMethod, certificates: certificateTexts)
        let signedInfo = xmlSecGetNextElementNode(signature.pointee.children)
        guard let signedInfo,
              let reference = xmlSecFindChild(signedInfo, "Reference", gateway_xmlSecDSigNs()),
              let digestValue = xmlSecFindChild(reference, "DigestValue", gateway_xmlSecDSigNs()),
              let signatureValue = xmlSecFindChild(signature, "SignatureValue", gateway_xmlSecDSigNs()) else {
            throw GatewayError(.internalError, "The signature template is incomplete.")
        }
        try DirectSignature.sign(document, signature: signature, signedInfo: signedInfo, digestValue: digestValue,
                                 signatureValue: signatureValue, key: key)
        return signature
    }

    private static func template(in document: xmlDocPtr, root: xmlNodePtr, method signatureMethod: String,
                                 certificates certificateTexts: [String]) throws(GatewayError) -> xmlNodePtr {
        guard let method = XMLDSigAlgorithms.signatureMethods[signatureMethod]?(),
              let signature = xmlSecTmplSignatureCreateNsPref(document, xmlSecTransformExclC14NGetKlass(), method, nil, "ds") else {
            throw GatewayError(.internalError, "libxmlsec1 could not create the signature template: \(XMLSecLibrary.takeErrors())")
        }
        xmlAddChild(root, signature)
        guard let reference = xmlSecTmplSignatureAddReference(signature, xmlSecOpenSSLTransformSha256GetKlass(), nil, "", nil),
              xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedGetKlass()) != nil,
              xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NGetKlass()) != nil,
              let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
              let x509Data = xmlSecTmplKeyInfoAddX509Data(keyInfo) else {
            throw GatewayError(.internalError, "libxmlsec1 could not complete the signature template: \(XMLSecLibrary.takeErrors())")
        }
        // The certificates are written here rather than by libxmlsec1 from the key, so that one
        // prepared signer serves every message without copying certificates into each key.
        for text in certificateTexts {
            guard let node = xmlSecAddChild(x509Data, "X509Certificate", gateway_xmlSecDSigNs()) else {
                throw GatewayError(.internalError, "libxmlsec1 could not add the certificate: \(XMLSecLibrary.takeErrors())")
            }
            xmlNodeSetContent(node, text)
        }
        return signature
    }
}
