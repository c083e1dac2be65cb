import COpenSSL
import GatewayCore
import Synchronization

/// A signing key read from PEM (PKCS#8 or traditional RSA/EC), or held in a PKCS#11 token
/// (`PrivateKey+PKCS11`). OpenSSL 3 allows concurrent signing operations on one EVP_PKEY, each
/// with its own context.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let kind: KeyKind
    /// A signing context per scheme, set up once: each signature starts from a copy of it, where
    /// setting one up looks the algorithms up in OpenSSL 3's providers again every time.
    private let prepared = Mutex<[SignatureScheme: PreparedContext]>([:])

    private final class PreparedContext: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { EVP_MD_CTX_free(pointer) }
    }

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

    /// A fresh context for one signature with `scheme` (SHA-256); the caller frees it.
    func signingContext(for scheme: SignatureScheme) throws(GatewayError) -> OpaquePointer {
        let template: PreparedContext? = prepared.withLock { contexts in
            if let ready = contexts[scheme] { return ready }
            guard let context = EVP_MD_CTX_new() else { return nil }
            var keyContext: OpaquePointer?
            guard EVP_DigestSignInit(context, &keyContext, Digest.sha256Method, nil, pointer) == 1,
                  EVPSignature.configure(keyContext, for: scheme) else {
                EVP_MD_CTX_free(context)
                return nil
            }
            let ready = PreparedContext(context)
            contexts[scheme] = ready
            return ready
        }
        guard let template, let copy = EVP_MD_CTX_new() else {
            throw GatewayError(.internalError, "OpenSSL could not start a \(scheme.rawValue) signature: \(OpenSSLError.drain())")
        }
        guard EVP_MD_CTX_copy_ex(copy, template.pointer) == 1 else {
            EVP_MD_CTX_free(copy)
            throw GatewayError(.internalError, "OpenSSL could not start a \(scheme.rawValue) signature: \(OpenSSLError.drain())")
        }
        return copy
    }

    /// True when `certificate` carries this key's public half.
    public func matches(_ certificate: Certificate) -> Bool {
        guard let publicKey = certificate.publicKey else { return false }
        return EVP_PKEY_eq(pointer, publicKey) == 1
    }
}
