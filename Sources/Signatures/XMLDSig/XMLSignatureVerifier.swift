import CXMLSec
import Foundation
import GatewayCore
import HardenedXML

/// Verifies an enveloped XML-DSig: the profile first (one signature over the whole document,
/// accepted algorithms and transforms), then the cryptography with the key of the signer's own
/// certificate from KeyInfo, then that certificate's chain and the trust policies.
public struct XMLSignatureVerifier: Sendable {
    public let trust: SignerTrust
    public let parser: HardenedXMLParser

    public init(trust: SignerTrust, parser: HardenedXMLParser = HardenedXMLParser()) {
        self.trust = trust
        self.parser = parser
    }

    /// Parses (hardened) and verifies; the returned document is the one that was verified, and
    /// the one to process.
    public func verify(_ bytes: [UInt8], at time: Date) throws(GatewayError) -> (document: ParsedDocument, signature: VerifiedSignature) {
        let document = try parser.parse(bytes)
        do {
            return (document, try verify(document, at: time))
        } catch {
            throw error.gatewayError
        }
    }

    public func verify(_ document: ParsedDocument, at time: Date) throws(SignatureRefusal) -> VerifiedSignature {
        let profile = try EnvelopedSignatureProfile.inspect(document)
        var certificates: [Certificate] = []
        for node in profile.certificates {
            do {
                certificates.append(try CertificateCache.certificate(base64: node.textContent))
            } catch {
                throw SignatureRefusal(.certificateMalformed, "A ds:X509Certificate is not a valid certificate: \(error.message)", path: node.path)
            }
        }
        let signer = SignerSelection.signer(among: certificates)
        try checkKey(of: signer, suits: profile.signatureMethod, path: profile.signature.path)
        try verifyCryptography(profile, in: document, signer: signer)
        let chain = try trust.verifySigner(signer, intermediates: certificates.filter { $0 !== signer }, at: time)
        return VerifiedSignature(format: .xmlDSig, algorithm: profile.signatureMethod, signer: SignerIdentity(signer), chain: chain)
    }

    private func checkKey(of signer: Certificate, suits method: String, path: String) throws(SignatureRefusal) {
        guard let kind = signer.keyKind else {
            throw SignatureRefusal(.certificateMalformed, "The signer certificate \(signer.subject) has no usable public key.", path: path)
        }
        let suits = XMLDSigAlgorithms.isRSA(method) ? kind.isRSA : { if case .ec = kind { true } else { false } }()
        guard suits else {
            throw SignatureRefusal(.signatureValueInvalid,
                "The signature method \(method) does not fit the \(kind) key of the KeyInfo certificate \(signer.subject): that certificate did not make this signature.",
                path: path)
        }
    }

    /// The usual signature directly (`DirectSignature`); any other, or one that does not hold,
    /// by libxmlsec1, whose verdict and words stand.
    private func verifyCryptography(_ profile: EnvelopedSignatureProfile, in document: ParsedDocument, signer: Certificate) throws(SignatureRefusal) {
        guard let key = signer.publicKey, let kind = signer.keyKind else {
            throw SignatureRefusal(.certificateMalformed, "The signer certificate \(signer.subject) has no usable public key.")
        }
        if let parts = DirectSignature.parts(of: profile, key: kind), DirectSignature.verifies(parts, in: document, publicKey: key) {
            return
        }
        let context: DSigContext
        do {
            context = try DSigContext(key: key)
        } catch {
            throw SignatureRefusal(.malformedSignature, error.message, path: profile.signature.path)
        }
        guard xmlSecDSigCtxVerify(context.pointer, profile.signature.pointer) >= 0 else {
            throw SignatureRefusal(.malformedSignature,
                "The signature cannot be processed: \(XMLSecLibrary.takeErrors())", path: profile.signature.path)
        }
        guard context.status == xmlSecDSigStatusSucceeded else {
            _ = XMLSecLibrary.takeErrors()
            if !context.referencesMatched {
                throw SignatureRefusal(.digestMismatch,
                    "The document was changed after it was signed: its digest does not match the signed ds:DigestValue.",
                    path: profile.signature.path + "/ds:SignedInfo/ds:Reference")
            }
            throw SignatureRefusal(.signatureValueInvalid,
                "The ds:SignatureValue does not verify with the key of the KeyInfo certificate \(signer.subject): the signed information was altered, or that certificate did not make this signature.",
                path: profile.signature.path + "/ds:SignatureValue")
        }
    }
}

/// Which of the certificates a message carries is the signer's: the one that issued none of
/// the others (the end of the chain). With a single certificate, that one.
enum SignerSelection {
    static func signer(among certificates: [Certificate]) -> Certificate {
        let leaves = certificates.filter { candidate in
            !certificates.contains { $0 !== candidate && $0.issuer == candidate.subject }
        }
        return leaves.first ?? certificates[0]
    }
}
