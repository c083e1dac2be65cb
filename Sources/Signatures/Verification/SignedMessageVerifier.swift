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

    public func verify(_ bytes: [UInt8], at time: Date) throws(GatewayError) -> VerifiedMessage {
        switch MessageFormat.detect(bytes) {
        case .xml:
            let verified = try XMLSignatureVerifier(trust: trust, parser: parser).verify(bytes, at: time)
            return VerifiedMessage(format: .xml, signature: verified.signature, content: bytes)
        case .json:
            throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.").gatewayError
        case .jws:
            do {
                let verified = try JWSVerifier(trust: trust).verify(String(decoding: bytes, as: UTF8.self), at: time)
                return VerifiedMessage(format: .jws, signature: verified.signature, content: verified.payload)
            } catch {
                throw error.gatewayError
            }
        case nil:
            throw GatewayError(.malformed, "The message is neither XML nor a JWS compact serialization.")
        }
    }
}
