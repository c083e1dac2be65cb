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

    public func verify(_ bytes: [UInt8], at time: Date) throws(GatewayError) -> (format: MessageFormat, signature: VerifiedSignature) {
        switch MessageFormat.detect(bytes) {
        case .xml:
            let verified = try XMLSignatureVerifier(trust: trust, parser: parser).verify(bytes, at: time)
            return (.xml, verified.signature)
        case .json:
            throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.").gatewayError
        case .jws:
            do {
                return (.jws, try JWSVerifier(trust: trust).verify(String(decoding: bytes, as: UTF8.self), at: time).signature)
            } catch {
                throw error.gatewayError
            }
        case nil:
            throw GatewayError(.malformed, "The message is neither XML nor a JWS compact serialization.")
        }
    }
}
