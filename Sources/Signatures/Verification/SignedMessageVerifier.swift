import Foundation
import GatewayCore
import HardenedXML

/// Verifies a signed message of either kind against one trust: XML-DSig for XML documents,
/// JWS for JSON messages. Plain JSON is an unsigned message and is refused as such.
public struct SignedMessageVerifier: Sendable {
    public let trust: SignerTrust
    public let parser: HardenedXMLParser

    public init(trust: SignerTrust, parser: HardenedXMLParser = HardenedXMLParser()) {
        self.trust = trust
        self.parser = parser
    }

    /// A verified message: its format, the signature, and the content to process — the XML
    /// document itself, or the exact payload bytes of a JWS.
    public struct VerifiedMessage: Sendable {
        public let format: MessageFormat
        public let signature: VerifiedSignature
        public let content: [UInt8]
    }

    /// `admits` refuses a signer the caller does not take: for a JWS before the signature is
    /// checked, so a forged message of that signer costs little; for XML once xmlsec verified it.
    public func verify(_ bytes: [UInt8], at time: Date,
                       admits: ((SignerIdentity) throws(GatewayError) -> Void)? = nil) throws(GatewayError) -> VerifiedMessage {
        switch MessageFormat.detect(bytes) {
        case .xml:
            let verified = try XMLSignatureVerifier(trust: trust, parser: parser).verify(bytes, at: time)
            if let admits { try admits(verified.signature.signer) }
            return VerifiedMessage(format: .xml, signature: verified.signature, content: bytes)
        case .json:
            throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.").gatewayError
        case .jws:
            // The caller's refusal is answered as the caller made it, not as a signature failure.
            var refusal: GatewayError?
            do throws(SignatureRefusal) {
                let verified = try JWSVerifier(trust: trust).verify(bytes, at: time) { signer throws(SignatureRefusal) in
                    guard let admits else { return }
                    do throws(GatewayError) {
                        try admits(signer)
                    } catch {
                        refusal = error
                        throw SignatureRefusal(.signerNotAccepted, error.message)
                    }
                }
                return VerifiedMessage(format: .jws, signature: verified.signature, content: verified.payload)
            } catch {
                throw refusal ?? error.gatewayError
            }
        case nil:
            throw GatewayError(.malformed, "The message is neither XML nor a JWS compact serialization.")
        }
    }
}
