import COpenSSL
import GatewayCore

/// A signing key read from PEM (PKCS#8 or traditional RSA/EC), or held in a PKCS#11 token
/// (`PrivateKey+PKCS11`). OpenSSL 3 allows concurrent signing operations on one EVP_PKEY, each
/// with its own context.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let kind: KeyKind

    /// `passphrase` opens an encrypted key (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a traditional key
    /// with `Proc-Type: 4,ENCRYPTED`); an unencrypted key needs none.
    public convenience init(pem: [UInt8], passphrase: String? = nil) throws(GatewayError) {
        guard let bio = MemoryBIO(pem) else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a memory BIO.")
        }
        let text = String(decoding: pem, as: UTF8.self)
        let encrypted = text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
        if encrypted, passphrase == nil {
            throw GatewayError(.configurationInvalid,
                               "The private key is encrypted: give its passphrase in GATEWAY_KEY_PASSPHRASE or a file named by --key-passphrase-file.")
        }
        // Never OpenSSL's own prompt: without a passphrase an empty one is given, which fails.
        let key = (passphrase ?? "").withCString { passphrase in
            PEM_read_bio_PrivateKey(bio.pointer, nil, nil, UnsafeMutableRawPointer(mutating: passphrase))
        }
        guard let key else {
            let reason = OpenSSLError.drain()
            throw GatewayError(.configurationInvalid, encrypted
                ? "The private key cannot be opened with the passphrase given (wrong passphrase?): \(reason)"
                : "The private key is not a PEM key: \(reason)")
        }
        try self.init(taking: key)
    }

    /// Takes ownership of `key`.
    init(taking key: OpaquePointer) throws(GatewayError) {
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
