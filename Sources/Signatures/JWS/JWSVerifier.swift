import Foundation
import GatewayCore

/// A verified JWS: its payload (the exact bytes that were signed) and who signed it.
public struct VerifiedJWS: Sendable {
    public let payload: [UInt8]
    public let signature: VerifiedSignature
}

/// Verifies a JWS compact serialization: RS256, PS256 or ES256 only, the key taken from the
/// first `x5c` certificate (no `jwk`, `jku`, `x5u`: the signer is whoever the certificate says),
/// no `crit` extensions or unencoded payloads, then the certificate's chain and the policies.
public struct JWSVerifier: Sendable {
    public let trust: SignerTrust

    public init(trust: SignerTrust) {
        self.trust = trust
    }

    public func verify(_ compact: String, at time: Date) throws(SignatureRefusal) -> VerifiedJWS {
        let text = compact.trimmingASCIIWhitespace()
        let parts = text.splitOnDots()
        guard parts.count == 3 else {
            if text.hasPrefix("{") {
                throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.")
            }
            throw SignatureRefusal(.malformedSignature, "The message is not a JWS compact serialization (three base64url parts separated by dots).")
        }
        let header = try JWSHeader.parse(parts[0])
        guard !parts[1].isEmpty else {
            throw SignatureRefusal(.malformedSignature, "The JWS has no payload; detached payloads are not accepted.", path: "payload")
        }
        guard let payload = Base64URL.decode(parts[1]) else {
            throw SignatureRefusal(.malformedSignature, "The JWS payload is not valid base64url.", path: "payload")
        }
        guard let signatureBytes = Base64URL.decode(parts[2]), !signatureBytes.isEmpty else {
            throw SignatureRefusal(.malformedSignature, "The JWS signature is missing or not valid base64url.", path: "signature")
        }
        let signer = header.certificates[0]
        let scheme = header.scheme
        guard let publicKey = signer.publicKey, let kind = signer.keyKind, scheme.accepts(kind) else {
            throw SignatureRefusal(.signatureValueInvalid,
                "alg \(scheme.rawValue) does not fit the \(signer.publicKeyDescription) key of the x5c certificate \(signer.subject): that certificate did not make this signature.",
                path: "header.alg")
        }
        let signatureDER = scheme == .es256 ? ECDSASignatureEncoding.derFromJOSE(signatureBytes) : signatureBytes
        let signingInput = Array(text.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard let signatureDER, EVPSignature.verify(signatureDER, over: signingInput, publicKey: publicKey, scheme: scheme) else {
            throw SignatureRefusal(.signatureValueInvalid,
                "The JWS signature does not verify with the key of the x5c certificate \(signer.subject): the header or payload was altered, or that certificate did not make this signature.",
                path: "signature")
        }
        let chain = try trust.verifySigner(signer, intermediates: Array(header.certificates.dropFirst()), at: time)
        return VerifiedJWS(payload: payload,
                           signature: VerifiedSignature(format: .jws, algorithm: scheme.rawValue, signer: SignerIdentity(signer), chain: chain))
    }
}

extension Substring {
    /// The parts between dots, found on the UTF-8 bytes: a JWS is ASCII, and splitting by
    /// Character costs more than verifying the signature.
    func splitOnDots() -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: ".") {
                parts.append(self[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}

extension String {
    /// Without the spaces, tabs and line breaks at either end (a JWS read from a file ends in one).
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
