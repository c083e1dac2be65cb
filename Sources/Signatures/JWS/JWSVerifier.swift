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

    private static let refusedHeaders = ["crit", "b64", "jwk", "jku", "x5u"]

    public func verify(_ compact: String, at time: Date) throws(SignatureRefusal) -> VerifiedJWS {
        let text = compact.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            if text.hasPrefix("{") {
                throw SignatureRefusal(.missingSignature, "The message is plain JSON, not a JWS compact serialization: it is not signed.")
            }
            throw SignatureRefusal(.malformedSignature, "The message is not a JWS compact serialization (three base64url parts separated by dots).")
        }
        let header = try decodeHeader(parts[0])
        let scheme = try acceptedScheme(header)
        let certificates = try x5c(header)
        guard !parts[1].isEmpty else {
            throw SignatureRefusal(.malformedSignature, "The JWS has no payload; detached payloads are not accepted.", path: "payload")
        }
        guard let payload = Base64URL.decode(parts[1]) else {
            throw SignatureRefusal(.malformedSignature, "The JWS payload is not valid base64url.", path: "payload")
        }
        guard let signatureBytes = Base64URL.decode(parts[2]), !signatureBytes.isEmpty else {
            throw SignatureRefusal(.malformedSignature, "The JWS signature is missing or not valid base64url.", path: "signature")
        }
        let signer = certificates[0]
        guard let publicKey = signer.publicKey, scheme.accepts(KeyKind(publicKey)) else {
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
        let chain = try trust.verifySigner(signer, intermediates: Array(certificates.dropFirst()), at: time)
        return VerifiedJWS(payload: payload,
                           signature: VerifiedSignature(format: .jws, algorithm: scheme.rawValue, signer: SignerIdentity(signer), chain: chain))
    }

    private func decodeHeader(_ part: Substring) throws(SignatureRefusal) -> [String: Any] {
        guard let bytes = Base64URL.decode(part),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              let header = object as? [String: Any] else {
            throw SignatureRefusal(.malformedSignature, "The JWS protected header is not base64url-encoded JSON object.", path: "header")
        }
        if let refused = JWSVerifier.refusedHeaders.first(where: { header[$0] != nil }) {
            throw SignatureRefusal(.headerNotAccepted,
                "The JWS header parameter \"\(refused)\" is not accepted: the signer's certificate travels in x5c and the payload is base64url-encoded JSON.",
                path: "header.\(refused)")
        }
        return header
    }

    private func acceptedScheme(_ header: [String: Any]) throws(SignatureRefusal) -> SignatureScheme {
        guard let alg = header["alg"] as? String else {
            throw SignatureRefusal(.malformedSignature, "The JWS header has no \"alg\".", path: "header.alg")
        }
        guard let scheme = SignatureScheme(rawValue: alg) else {
            let why = alg.lowercased() == "none" ? "an unsigned JWS proves nothing"
                : alg.hasPrefix("HS") ? "HMAC algorithms are not accepted: a shared secret proves nothing about the sender"
                : "only RS256, PS256 and ES256 are"
            throw SignatureRefusal(.algorithmNotAllowed, "The JWS algorithm \"\(alg)\" is not accepted: \(why).", path: "header.alg")
        }
        return scheme
    }

    private func x5c(_ header: [String: Any]) throws(SignatureRefusal) -> [Certificate] {
        guard let entries = header["x5c"] as? [Any], !entries.isEmpty else {
            throw SignatureRefusal(.certificateMissing, "The JWS header has no \"x5c\": the signer's certificate is required.", path: "header.x5c")
        }
        var certificates: [Certificate] = []
        for (index, entry) in entries.enumerated() {
            guard let text = entry as? String, let der = Data(base64Encoded: text) else {
                throw SignatureRefusal(.certificateMalformed, "x5c[\(index)] is not base64-encoded DER.", path: "header.x5c[\(index)]")
            }
            do {
                certificates.append(try Certificate(der: Array(der)))
            } catch {
                throw SignatureRefusal(.certificateMalformed, "x5c[\(index)] is not a valid certificate: \(error.message)", path: "header.x5c[\(index)]")
            }
        }
        return certificates
    }
}
