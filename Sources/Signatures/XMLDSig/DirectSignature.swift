import CLibXML2
import Foundation
import GatewayCore
import HardenedXML

/// The gateway's usual XML-DSig — one `Reference URI=""`, enveloped-signature then exclusive
/// C14N without parameters, SHA-256, RSA-SHA256 or ECDSA-SHA256 on P-256 — computed directly:
/// libxml2's canonicalization, OpenSSL's digest and signature, nothing else. It is what
/// libxmlsec1 computes for the same signature (the interoperability tests hold both to it), at
/// a fraction of the cost: no transform chain, no node list searched for every node. Any other
/// signature the profile accepts is left to libxmlsec1.
enum DirectSignature {
    /// The parts of an enveloped signature this path handles; nil for any other shape.
    struct Parts {
        let signature: xmlNodePtr
        let signedInfo: xmlNodePtr
        let digestValue: ElementNode
        let signatureValue: ElementNode
        let scheme: SignatureScheme
    }

    static func parts(of profile: EnvelopedSignatureProfile, key: KeyKind) -> Parts? {
        guard profile.canonicalizationMethod == XMLDSigAlgorithms.exclusiveC14N,
              profile.transforms == [XMLDSigAlgorithms.envelopedSignature, XMLDSigAlgorithms.exclusiveC14N],
              profile.digestMethod == XMLDSigAlgorithms.sha256 else { return nil }
        let scheme: SignatureScheme
        switch profile.signatureMethod {
        case XMLDSigAlgorithms.rsaSHA256 where key.isRSA: scheme = .rs256
        case XMLDSigAlgorithms.ecdsaSHA256 where key.isP256: scheme = .es256
        default: return nil
        }
        let children = profile.signature.childElements
        let signedInfo = children[0]
        guard let reference = signedInfo.childElements.last,
              let transforms = reference.childElements.first,
              transforms.childElements.allSatisfy({ $0.childElements.isEmpty }),
              let digestValue = reference.childElements.last else { return nil }
        return Parts(signature: profile.signature.pointer, signedInfo: signedInfo.pointer, digestValue: digestValue,
                     signatureValue: children[1], scheme: scheme)
    }

    /// True when the digest and the signature value both hold; false when either does not (the
    /// caller lets libxmlsec1 say which, in its words).
    static func verifies(_ parts: Parts, in document: ParsedDocument, publicKey: OpaquePointer) -> Bool {
        guard let expected = decode(parts.digestValue.textContent),
              let digest = ExclusiveCanonicalization.digest(of: document.pointer, excluding: parts.signature),
              digest == expected,
              var value = decode(parts.signatureValue.textContent),
              let signedInfo = ExclusiveCanonicalization.bytes(ofSubtree: parts.signedInfo, in: document.pointer) else { return false }
        if parts.scheme == .es256 {
            guard let der = ECDSASignatureEncoding.derFromJOSE(value) else { return false }
            value = der
        }
        return EVPSignature.verify(value, over: signedInfo, publicKey: publicKey, scheme: parts.scheme)
    }

    /// Fills the DigestValue and SignatureValue of a signature template already in `document`
    /// (the document's own digest computed without it), signing with `key`.
    static func sign(_ document: ParsedDocument, signature: xmlNodePtr, signedInfo: xmlNodePtr, digestValue: xmlNodePtr,
                     signatureValue: xmlNodePtr, key: PrivateKey) throws(GatewayError) {
        guard let digest = CanonicalWalk.digest(of: document.pointer, excluding: signature)
                ?? ExclusiveCanonicalization.digest(of: document.pointer, excluding: signature) else {
            throw GatewayError(.internalError, "The document cannot be canonicalized for its digest.")
        }
        xmlNodeSetContent(digestValue, Data(digest).base64EncodedString())
        guard let canonical = ExclusiveCanonicalization.bytes(ofSubtree: signedInfo, in: document.pointer) else {
            throw GatewayError(.internalError, "ds:SignedInfo cannot be canonicalized.")
        }
        xmlNodeSetContent(signatureValue, Data(try value(over: canonical, key: key)).base64EncodedString())
    }

    /// The SignatureValue's bytes over canonical SignedInfo: PKCS#1 v1.5, or ECDSA as r||s.
    static func value(over signedInfo: [UInt8], key: PrivateKey) throws(GatewayError) -> [UInt8] {
        let value = try EVPSignature.sign(signedInfo, key: key, scheme: key.kind.isRSA ? .rs256 : .es256)
        guard !key.kind.isRSA else { return value }
        guard let raw = ECDSASignatureEncoding.joseFromDER(value) else { throw GatewayError(.internalError, "OpenSSL's ECDSA signature is not DER.") }
        return raw
    }

    /// Base64 with the line breaks and spaces XML allows in it, nothing else.
    private static func decode(_ text: String) -> [UInt8]? {
        var compact = Array(text.utf8)
        compact.removeAll { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        return Data(base64Encoded: Data(compact)).map(Array.init)
    }
}
