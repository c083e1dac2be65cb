import Foundation
import GatewayCore
import Synchronization

/// What the verifier takes from a JWS protected header: the algorithm and the `x5c` certificates.
/// Every message of a signer carries the same header, so each distinct one is parsed once.
struct JWSHeader: Sendable {
    let scheme: SignatureScheme
    /// `x5c`: the signer's certificate first, then intermediates.
    let certificates: [Certificate]

    private static let refusedParameters = ["crit", "b64", "jwk", "jku", "x5u"]
    private static let parsed = Mutex<[Substring: JWSHeader]>([:])
    private static let capacity = 1024

    static func parse(_ encoded: Substring) throws(SignatureRefusal) -> JWSHeader {
        if let known = parsed.withLock({ $0[encoded] }) { return known }
        let header = try decode(encoded)
        parsed.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[Substring(String(encoded))] = header
        }
        return header
    }

    private static func decode(_ encoded: Substring) throws(SignatureRefusal) -> JWSHeader {
        guard let bytes = Base64URL.decode(encoded),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              let members = object as? [String: Any] else {
            throw SignatureRefusal(.malformedSignature, "The JWS protected header is not a base64url-encoded JSON object.", path: "header")
        }
        if let refused = refusedParameters.first(where: { members[$0] != nil }) {
            throw SignatureRefusal(.headerNotAccepted,
                "The JWS header parameter \"\(refused)\" is not accepted: the signer's certificate travels in x5c and the payload is base64url-encoded JSON.",
                path: "header.\(refused)")
        }
        return JWSHeader(scheme: try scheme(members), certificates: try certificates(members))
    }

    private static func scheme(_ members: [String: Any]) throws(SignatureRefusal) -> SignatureScheme {
        guard let alg = members["alg"] as? String else {
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

    private static func certificates(_ members: [String: Any]) throws(SignatureRefusal) -> [Certificate] {
        guard let entries = members["x5c"] as? [Any], !entries.isEmpty else {
            throw SignatureRefusal(.certificateMissing, "The JWS header has no \"x5c\": the signer's certificate is required.", path: "header.x5c")
        }
        var certificates: [Certificate] = []
        for (index, entry) in entries.enumerated() {
            guard let text = entry as? String else {
                throw SignatureRefusal(.certificateMalformed, "x5c[\(index)] is not a string.", path: "header.x5c[\(index)]")
            }
            do {
                certificates.append(try CertificateCache.certificate(base64: text))
            } catch {
                throw SignatureRefusal(.certificateMalformed, "x5c[\(index)] is not a valid certificate: \(error.message)", path: "header.x5c[\(index)]")
            }
        }
        return certificates
    }
}
