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
///
/// The cheap checks come first, so that refusing a large forged message costs little more than
/// refusing a small one: the header (cached per signer), the signature's length for the key, the
/// signer's chain and the caller's own rule on the signer, and for RSA the signature's padding
/// (one public-key operation) — all before the signing input is hashed and the payload decoded.
public struct JWSVerifier: Sendable {
    public let trust: SignerTrust

    public init(trust: SignerTrust) {
        self.trust = trust
    }

    public func verify(_ compact: String, at time: Date) throws(SignatureRefusal) -> VerifiedJWS {
        try verify(Array(compact.utf8), at: time)
    }

    /// `admits` refuses a signer the caller does not take (another partner's, the gateway's own)
    /// before any signature work.
    public func verify(_ message: [UInt8], at time: Date,
                       admits: ((SignerIdentity) throws(SignatureRefusal) -> Void)? = nil) throws(SignatureRefusal) -> VerifiedJWS {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        var start = message.startIndex, end = message.endIndex
        while start < end, isSpace(message[start]) { start += 1 }
        while end > start, isSpace(message[end - 1]) { end -= 1 }
        guard let first = Self.dot(in: message, from: start, to: end), let second = Self.dot(in: message, from: first + 1, to: end),
              Self.dot(in: message, from: second + 1, to: end) == nil else {
            if start < end, message[start] == UInt8(ascii: "{") {
                throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.")
            }
            throw SignatureRefusal(.malformedSignature, "The JWS is not a compact serialization (three base64url parts separated by dots).")
        }
        let header = try JWSHeader.parse(Substring(String(decoding: message[start..<first], as: UTF8.self)))
        guard second > first + 1 else {
            throw SignatureRefusal(.malformedSignature, "The JWS has no payload; detached payloads are not accepted.", path: "payload")
        }
        guard let signatureBytes = Base64URL.decode(message[(second + 1)..<end]), !signatureBytes.isEmpty else {
            throw SignatureRefusal(.malformedSignature, "The JWS signature is missing or not valid base64url.", path: "signature")
        }
        let signer = header.certificates[0]
        let scheme = header.scheme
        guard let publicKey = signer.publicKey, let kind = signer.keyKind, scheme.accepts(kind) else {
            throw SignatureRefusal(.signatureValueInvalid,
                "alg \(scheme.rawValue) does not fit the \(signer.publicKeyDescription) key of the x5c certificate \(signer.subject): that certificate did not make this signature.",
                path: "header.alg")
        }
        let chain = try trust.verifySigner(signer, intermediates: Array(header.certificates.dropFirst()), at: time)
        let identity = SignerIdentity(signer)
        try admits?(identity)
        let signatureDER = scheme == .es256 ? ECDSASignatureEncoding.derFromJOSE(signatureBytes) : signatureBytes
        let verified = signatureDER.map { signatureDER in
            EVPSignature.mayHaveSigned(signatureDER, publicKey: publicKey, kind: kind, scheme: scheme)
                && message.withUnsafeBufferPointer { bytes in
                    EVPSignature.verify(signatureDER, over: UnsafeBufferPointer(rebasing: bytes[start..<second]), publicKey: publicKey, scheme: scheme)
                }
        } ?? false
        guard verified else {
            throw SignatureRefusal(.signatureValueInvalid,
                "The JWS signature does not verify with the key of the x5c certificate \(signer.subject): the header or payload was altered, or that certificate did not make this signature.",
                path: "signature")
        }
        guard let payload = Base64URL.decode(message[(first + 1)..<second]) else {
            throw SignatureRefusal(.malformedSignature, "The JWS payload is not valid base64url.", path: "payload")
        }
        return VerifiedJWS(payload: payload, signature: VerifiedSignature(format: .jws, algorithm: scheme.rawValue, signer: identity, chain: chain))
    }

    /// The next dot, found by memchr: the payload part is megabytes long.
    private static func dot(in message: [UInt8], from start: Int, to end: Int) -> Int? {
        guard start < end else { return nil }
        return message.withUnsafeBufferPointer { bytes in
            memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: ".")), end - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) }
        }
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
