import CLibXML2
import CXMLSec
import Foundation
import GatewayCore

/// The bytes of a signer's `ds:Signature` that do not depend on the document, made once from the
/// template `XMLSigner` lays out with libxmlsec1 (placeholders for the two values), as libxml2
/// writes it and as it canonicalises its `ds:SignedInfo`. Signing a document's bytes is then its
/// digest, one signature over the canonical SignedInfo and the element written into the bytes —
/// the same element, byte for byte, as the template filled in.
struct SignatureLayout: Sendable {
    /// The element as written: before the digest, between digest and signature value, after it.
    let written: (head: [UInt8], middle: [UInt8], tail: [UInt8])
    /// The canonical ds:SignedInfo: before and after the digest.
    let canonicalSignedInfo: (head: [UInt8], tail: [UInt8])

    private static let digestMark = "GatewayDigestValue"
    private static let valueMark = "GatewaySignatureValue"

    init(template: (xmlDocPtr, xmlNodePtr) throws(GatewayError) -> xmlNodePtr) throws(GatewayError) {
        guard let scratch = xmlNewDoc("1.0"), let root = xmlNewDocNode(scratch, nil, "Layout", nil) else {
            throw GatewayError(.internalError, "libxml2 could not allocate the signature layout.")
        }
        defer { xmlFreeDoc(scratch) }
        xmlDocSetRootElement(scratch, root)
        let signature = try template(scratch, root)
        guard let signedInfo = xmlSecGetNextElementNode(signature.pointee.children),
              let reference = xmlSecFindChild(signedInfo, "Reference", gateway_xmlSecDSigNs()),
              let digestValue = xmlSecFindChild(reference, "DigestValue", gateway_xmlSecDSigNs()),
              let signatureValue = xmlSecFindChild(signature, "SignatureValue", gateway_xmlSecDSigNs()) else {
            throw GatewayError(.internalError, "The signature template is incomplete.")
        }
        xmlNodeSetContent(digestValue, Self.digestMark)
        xmlNodeSetContent(signatureValue, Self.valueMark)
        guard let buffer = xmlBufferCreate() else { throw GatewayError(.internalError, "libxml2 could not allocate a buffer.") }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeDump(buffer, scratch, signature, 0, 0) >= 0, let content = xmlBufferContent(buffer),
              let canonical = ExclusiveCanonicalization.bytes(ofSubtree: signedInfo, in: scratch) else {
            throw GatewayError(.internalError, "The signature template cannot be written.")
        }
        let element = Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
        let around = Self.split(element, at: [Self.digestMark, Self.valueMark])
        let signedInfoParts = Self.split(canonical, at: [Self.digestMark])
        guard around.count == 3, signedInfoParts.count == 2 else {
            throw GatewayError(.internalError, "The signature template does not hold its values where expected.")
        }
        written = (around[0], around[1], around[2])
        canonicalSignedInfo = (signedInfoParts[0], signedInfoParts[1])
    }

    /// `bytes` cut at each mark in turn, each found once.
    private static func split(_ bytes: [UInt8], at marks: [String]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        for mark in marks {
            let needle = Array(mark.utf8)
            guard let start = rest.indices.first(where: { rest[$0...].starts(with: needle) }) else { return [] }
            parts.append(Array(rest[..<start]))
            rest = rest[(start + needle.count)...]
        }
        return parts + [Array(rest)]
    }
}
