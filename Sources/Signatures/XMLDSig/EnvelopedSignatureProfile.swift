import HardenedXML

/// The one shape of signature the gateway believes (world §1.2): a single `ds:Signature`, last
/// child of the document element, with one `ds:Reference URI=""` whose transforms are
/// enveloped-signature and canonicalization only, SHA-2 digests, RSA or ECDSA with SHA-2, and
/// the signer's certificate in `ds:KeyInfo/ds:X509Data`. Anything else is refused here, before
/// libxmlsec1 sees the document, so that what is verified is exactly what will be processed:
/// the whole document.
struct EnvelopedSignatureProfile {
    let signature: ElementNode
    let signatureMethod: String
    let canonicalizationMethod: String
    let digestMethod: String
    let transforms: [String]
    /// Every `ds:X509Certificate` element, in document order.
    let certificates: [ElementNode]

    private static let ds = XMLDSigAlgorithms.namespace

    static func inspect(_ document: ParsedDocument) throws(SignatureRefusal) -> EnvelopedSignatureProfile {
        guard let root = document.rootElement else {
            throw SignatureRefusal(.missingSignature, "The document has no root element.")
        }
        let isSignature = { (node: ElementNode) in node.isElement("Signature", namespace: ds) }
        var signatures = root.descendants(where: isSignature)
        if isSignature(root) { signatures.insert(root, at: 0) }
        guard let signature = signatures.first else {
            throw SignatureRefusal(.missingSignature, "The document is not signed: no ds:Signature element was found.", path: root.path)
        }
        guard signatures.count == 1 else {
            let extra = signatures.first { $0.pointer != root.childElements.last?.pointer } ?? signatures[1]
            throw SignatureRefusal(.multipleSignatures,
                "The document holds \(signatures.count) ds:Signature elements (\(signatures.map(\.path).joined(separator: ", "))); exactly one, covering the whole document, is accepted.",
                path: extra.path)
        }
        guard signature.parent?.pointer == root.pointer, root.childElements.last?.pointer == signature.pointer else {
            throw SignatureRefusal(.misplacedSignature,
                "The ds:Signature must be the last child of the document element \(root.qualifiedName).", path: signature.path)
        }
        let parts = signature.childElements
        guard parts.count >= 2, parts[0].isElement("SignedInfo", namespace: ds), parts[1].isElement("SignatureValue", namespace: ds) else {
            throw malformed("ds:Signature must start with ds:SignedInfo and ds:SignatureValue.", signature)
        }
        if let extra = parts.dropFirst(2).first(where: { !$0.isElement("KeyInfo", namespace: ds) }) {
            throw malformed("ds:\(extra.localName) is not accepted in ds:Signature: only ds:SignedInfo, ds:SignatureValue and ds:KeyInfo.", extra)
        }
        let signedInfo = parts[0]
        let (canonicalization, signatureMethod, reference) = try signedInfoParts(signedInfo)
        let (transforms, digestMethod) = try referenceParts(reference)
        let certificates = try certificateNodes(parts.dropFirst(2).first, signature: signature)
        return EnvelopedSignatureProfile(signature: signature, signatureMethod: signatureMethod,
                                         canonicalizationMethod: canonicalization, digestMethod: digestMethod,
                                         transforms: transforms, certificates: certificates)
    }

    private static func signedInfoParts(_ signedInfo: ElementNode) throws(SignatureRefusal) -> (String, String, ElementNode) {
        let parts = signedInfo.childElements
        guard parts.count >= 3,
              parts[0].isElement("CanonicalizationMethod", namespace: ds),
              parts[1].isElement("SignatureMethod", namespace: ds) else {
            throw malformed("ds:SignedInfo must hold ds:CanonicalizationMethod, ds:SignatureMethod and one ds:Reference.", signedInfo)
        }
        let references = parts.dropFirst(2)
        if let other = references.first(where: { !$0.isElement("Reference", namespace: ds) }) {
            throw malformed("ds:\(other.localName) is not accepted in ds:SignedInfo.", other)
        }
        guard references.count == 1, let reference = references.first else {
            throw SignatureRefusal(.referenceNotWholeDocument,
                "ds:SignedInfo holds \(references.count) references; exactly one, URI=\"\" (the whole document), is accepted.",
                path: signedInfo.path)
        }
        let canonicalization = parts[0].attribute("Algorithm") ?? ""
        guard XMLDSigAlgorithms.canonicalizations[canonicalization] != nil, parts[0].childElements.isEmpty else {
            throw notAllowed("canonicalization method", canonicalization, parts[0])
        }
        let signatureMethod = parts[1].attribute("Algorithm") ?? ""
        guard XMLDSigAlgorithms.signatureMethods[signatureMethod] != nil, parts[1].childElements.isEmpty else {
            throw notAllowed("signature method", signatureMethod, parts[1])
        }
        return (canonicalization, signatureMethod, reference)
    }

    private static func referenceParts(_ reference: ElementNode) throws(SignatureRefusal) -> ([String], String) {
        guard let uri = reference.attribute("URI"), uri.isEmpty else {
            let shown = reference.attribute("URI").map { "URI=\"\($0)\"" } ?? "no URI"
            throw SignatureRefusal(.referenceNotWholeDocument,
                "The ds:Reference has \(shown); only URI=\"\" (the whole document) is accepted, so that what is verified is what is processed.",
                path: reference.path)
        }
        var parts = reference.childElements[...]
        var transforms: [String] = []
        if let first = parts.first, first.isElement("Transforms", namespace: ds) {
            parts = parts.dropFirst()
            for transform in first.childElements {
                guard transform.isElement("Transform", namespace: ds) else {
                    throw malformed("ds:\(transform.localName) is not accepted in ds:Transforms.", transform)
                }
                let algorithm = transform.attribute("Algorithm") ?? ""
                let isCanonicalization = XMLDSigAlgorithms.canonicalizations[algorithm] != nil
                guard algorithm == XMLDSigAlgorithms.envelopedSignature || isCanonicalization else {
                    throw SignatureRefusal(.transformNotAllowed,
                        "The transform \(algorithm.isEmpty ? "without Algorithm" : algorithm) is not accepted (\(XMLDSigAlgorithms.refusalReason(for: algorithm))); only enveloped-signature and canonicalization are.",
                        path: transform.path)
                }
                let allowedParameters = algorithm.hasPrefix("http://www.w3.org/2001/10/xml-exc-c14n#")
                    ? transform.childElements.filter { $0.localName != "InclusiveNamespaces" } : transform.childElements
                guard allowedParameters.isEmpty else {
                    throw SignatureRefusal(.transformNotAllowed,
                        "The transform \(algorithm) carries parameters (\(allowedParameters[0].qualifiedName)) that are not accepted.",
                        path: allowedParameters[0].path)
                }
                transforms.append(algorithm)
            }
        }
        guard transforms.first == XMLDSigAlgorithms.envelopedSignature,
              transforms.dropFirst().allSatisfy({ $0 != XMLDSigAlgorithms.envelopedSignature }) else {
            throw SignatureRefusal(.transformNotAllowed,
                "The ds:Reference must apply the enveloped-signature transform first, once, then canonicalization.",
                path: reference.path)
        }
        guard parts.count == 2, parts[parts.startIndex].isElement("DigestMethod", namespace: ds),
              parts[parts.startIndex + 1].isElement("DigestValue", namespace: ds) else {
            throw malformed("ds:Reference must hold ds:Transforms, ds:DigestMethod and ds:DigestValue.", reference)
        }
        let digestMethod = parts[parts.startIndex].attribute("Algorithm") ?? ""
        guard XMLDSigAlgorithms.digests[digestMethod] != nil else {
            throw notAllowed("digest method", digestMethod, parts[parts.startIndex])
        }
        return (transforms, digestMethod)
    }

    private static func certificateNodes(_ keyInfo: ElementNode?, signature: ElementNode) throws(SignatureRefusal) -> [ElementNode] {
        let nodes = keyInfo?.children("X509Data", namespace: ds).flatMap { $0.children("X509Certificate", namespace: ds) } ?? []
        guard !nodes.isEmpty else {
            throw SignatureRefusal(.certificateMissing,
                "The signature carries no signer certificate: ds:KeyInfo/ds:X509Data/ds:X509Certificate is required.",
                path: (keyInfo ?? signature).path)
        }
        return nodes
    }

    private static func malformed(_ message: String, _ node: ElementNode) -> SignatureRefusal {
        SignatureRefusal(.malformedSignature, message, path: node.path)
    }

    private static func notAllowed(_ role: String, _ uri: String, _ node: ElementNode) -> SignatureRefusal {
        SignatureRefusal(.algorithmNotAllowed,
            "The \(role) \(uri.isEmpty ? "(missing)" : uri) is not accepted: \(XMLDSigAlgorithms.refusalReason(for: uri)).",
            path: node.path)
    }
}
