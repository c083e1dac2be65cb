import Foundation
import GatewayCore

/// Signs a JSON payload as a JWS compact serialization (RFC 7515) with the header the world
/// uses (§1.2): `alg`, `typ` "JOSE", `cty` "json", `x5c` with the signer's certificate first.
/// The payload is signed as the exact bytes given: no re-serialisation.
public struct JWSSigner: Sendable {
    public let key: PrivateKey
    public let scheme: SignatureScheme
    private let encodedHeader: String

    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = [],
                scheme requested: SignatureScheme? = nil) throws(GatewayError) {
        guard key.matches(certificate) else {
            throw GatewayError(.configurationInvalid, "The private key does not belong to the certificate \(certificate.subject).")
        }
        guard let scheme = requested ?? SignatureScheme.default(for: key.kind) else {
            throw GatewayError(.configurationInvalid, "A \(key.kind) key cannot sign JWS here: RSA (RS256, PS256) or EC P-256 (ES256) is needed.")
        }
        guard scheme.accepts(key.kind) else {
            throw GatewayError(.configurationInvalid, "\(scheme.rawValue) cannot be used with a \(key.kind) key.")
        }
        self.key = key
        self.scheme = scheme
        let x5c = ([certificate] + chain.filter { $0 != certificate })
            .map { "\"\(Data($0.der).base64EncodedString())\"" }
            .joined(separator: ",")
        encodedHeader = Base64URL.encode(Array("{\"alg\":\"\(scheme.rawValue)\",\"typ\":\"JOSE\",\"cty\":\"json\",\"x5c\":[\(x5c)]}".utf8))
    }

    public func sign(payload: [UInt8]) throws(GatewayError) -> String {
        let signingInput = encodedHeader + "." + Base64URL.encode(payload)
        var signature = try EVPSignature.sign(Array(signingInput.utf8), key: key, scheme: scheme)
        if scheme == .es256 {
            guard let jose = ECDSASignatureEncoding.joseFromDER(signature) else {
                throw GatewayError(.internalError, "OpenSSL returned an ECDSA signature that is not valid DER.")
            }
            signature = jose
        }
        return signingInput + "." + Base64URL.encode(signature)
    }
}
