import COpenSSL
import GatewayCore

/// A signing key read from PEM (PKCS#8 or traditional RSA/EC). OpenSSL 3 allows concurrent
/// signing operations on one EVP_PKEY, each with its own context.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let kind: KeyKind

    public init(pem: [UInt8]) throws(GatewayError) {
        guard let bio = MemoryBIO(pem) else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a memory BIO.")
        }
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            throw GatewayError(.configurationInvalid, "The private key is not an unencrypted PEM key: \(OpenSSLError.drain())")
        }
        pointer = key
        kind = KeyKind(key)
        switch kind {
        case .rsa, .ec: break
        case .other(let name):
            throw GatewayError(.configurationInvalid, "The private key is \(name); only RSA and EC keys can sign.")
        }
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// True when `certificate` carries this key's public half.
    public func matches(_ certificate: Certificate) -> Bool {
        guard let publicKey = certificate.publicKey else { return false }
        return EVP_PKEY_eq(pointer, publicKey) == 1
    }
}
