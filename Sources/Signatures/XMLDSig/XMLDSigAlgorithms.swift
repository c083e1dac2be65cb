import CXMLSec

/// The algorithm URIs of XML-DSig that the gateway accepts, and why the others are refused.
enum XMLDSigAlgorithms {
    static let namespace = "http://www.w3.org/2000/09/xmldsig#"

    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    static let ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"

    /// The canonicalization family: the only transforms allowed besides enveloped-signature.
    static let canonicalizations: [String: @Sendable () -> xmlSecTransformId?] = [
        "http://www.w3.org/2001/10/xml-exc-c14n#": xmlSecTransformExclC14NGetKlass,
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": xmlSecTransformExclC14NWithCommentsGetKlass,
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": xmlSecTransformInclC14NGetKlass,
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": xmlSecTransformInclC14NWithCommentsGetKlass,
        "http://www.w3.org/2006/12/xml-c14n11": xmlSecTransformInclC14N11GetKlass,
        "http://www.w3.org/2006/12/xml-c14n11#WithComments": xmlSecTransformInclC14N11WithCommentsGetKlass,
    ]

    static let digests: [String: @Sendable () -> xmlSecTransformId?] = [
        "http://www.w3.org/2001/04/xmlenc#sha256": xmlSecOpenSSLTransformSha256GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#sha384": xmlSecOpenSSLTransformSha384GetKlass,
        "http://www.w3.org/2001/04/xmlenc#sha512": xmlSecOpenSSLTransformSha512GetKlass,
    ]

    static let signatureMethods: [String: @Sendable () -> xmlSecTransformId?] = [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": xmlSecOpenSSLTransformRsaSha256GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": xmlSecOpenSSLTransformRsaSha384GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": xmlSecOpenSSLTransformRsaSha512GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": xmlSecOpenSSLTransformEcdsaSha256GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": xmlSecOpenSSLTransformEcdsaSha384GetKlass,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": xmlSecOpenSSLTransformEcdsaSha512GetKlass,
    ]

    static func isRSA(_ signatureMethod: String) -> Bool { signatureMethod.contains("#rsa-") }

    /// Why an algorithm that is not on the lists above is refused, in words an engineer recognises.
    static func refusalReason(for uri: String) -> String {
        let lowered = uri.lowercased()
        if lowered.contains("hmac") { return "HMAC algorithms are not accepted: a shared secret proves nothing about the sender" }
        if lowered.contains("md5") { return "MD5 is broken and not accepted" }
        if lowered.hasSuffix("sha1") || lowered.contains("sha1") { return "SHA-1 is not accepted" }
        if lowered.contains("xslt") { return "XSLT transforms are not accepted" }
        if lowered.contains("xpath") || lowered.contains("filter2") { return "XPath transforms are not accepted" }
        if lowered.isEmpty { return "no algorithm is given" }
        return "it is not among the accepted algorithms"
    }
}
