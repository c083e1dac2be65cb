import COpenSSL
import GatewayCore

/// A public-key signature scheme over SHA-256, as JWS names them; XML-DSig uses the same
/// primitives under its own URIs.
public enum SignatureScheme: String, Sendable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (RFC 7518 §3.5).
    case ps256 = "PS256"
    /// ECDSA on P-256 with SHA-256.
    case es256 = "ES256"

    /// The scheme a key signs with when nobody asked for a specific one.
    static func `default`(for kind: KeyKind) -> SignatureScheme? {
        switch kind {
        case .rsa: .rs256
        case .ec where kind.isP256: .es256
        default: nil
        }
    }

    func accepts(_ kind: KeyKind) -> Bool {
        switch self {
        case .rs256, .ps256: kind.isRSA
        case .es256: kind.isP256
        }
    }
}

/// One-shot sign and verify through EVP, with the padding each scheme needs. ECDSA signatures
/// are DER here; JWS converts them to and from its fixed-size r||s form.
enum EVPSignature {
    static func sign(_ message: [UInt8], key: PrivateKey, scheme: SignatureScheme) throws(GatewayError) -> [UInt8] {
        let context = try key.signingContext(for: scheme)
        defer { EVP_MD_CTX_free(context) }
        // One signature per context: without this flag OpenSSL copies the whole context at the
        // final step so that it could go on.
        EVP_MD_CTX_set_flags(context, EVP_MD_CTX_FLAG_FINALISE)
        var length = Int(EVP_PKEY_get_size(key.pointer))
        guard length > 0 else { throw GatewayError(.internalError, "OpenSSL could not size the signature: \(OpenSSLError.drain())") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = message.withUnsafeBufferPointer { input in
            EVP_DigestSign(context, &signature, &length, input.baseAddress, input.count)
        }
        guard signed == 1 else { throw GatewayError(.internalError, "OpenSSL could not sign: \(OpenSSLError.drain())") }
        return Array(signature.prefix(length))
    }

    static func verify(_ signature: [UInt8], over message: [UInt8], publicKey: OpaquePointer, scheme: SignatureScheme) -> Bool {
        message.withUnsafeBufferPointer { verify(signature, over: $0, publicKey: publicKey, scheme: scheme) }
    }

    /// Whether a signature can be this key's at all, found without hashing the message: its
    /// length fits the key, and for RSA the key's public operation yields a well-formed encoding
    /// (PKCS#1 v1.5: a SHA-256 DigestInfo; PSS: the 0xbc trailer). A forged signature fails here.
    static func mayHaveSigned(_ signature: [UInt8], publicKey: OpaquePointer, kind: KeyKind, scheme: SignatureScheme) -> Bool {
        guard case .rsa(let bits) = kind else { return true }
        guard signature.count == (bits + 7) / 8, let context = EVP_PKEY_CTX_new(publicKey, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_recover_init(context) == 1,
              EVP_PKEY_CTX_set_rsa_padding(context, scheme == .ps256 ? RSA_NO_PADDING : RSA_PKCS1_PADDING) == 1 else {
            _ = OpenSSLError.drain()
            return false
        }
        var recovered = [UInt8](repeating: 0, count: signature.count)
        var length = recovered.count
        guard EVP_PKEY_verify_recover(context, &recovered, &length, signature, signature.count) == 1 else {
            _ = OpenSSLError.drain()
            return false
        }
        if scheme == .ps256 { return length == signature.count && recovered[length - 1] == 0xbc }
        return length == sha256DigestInfo.count + 32 && Array(recovered.prefix(sha256DigestInfo.count)) == sha256DigestInfo
    }

    /// DER of DigestInfo { sha256, NULL } before the 32 digest bytes (RFC 8017 §9.2, note 1).
    private static let sha256DigestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]

    static func verify(_ signature: [UInt8], over message: UnsafeBufferPointer<UInt8>, publicKey: OpaquePointer, scheme: SignatureScheme) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, Digest.sha256Method, nil, publicKey) == 1,
              configure(keyContext, for: scheme) else {
            _ = OpenSSLError.drain()
            return false
        }
        EVP_MD_CTX_set_flags(context, EVP_MD_CTX_FLAG_FINALISE)
        let verified = signature.withUnsafeBufferPointer { sig in
            EVP_DigestVerify(context, sig.baseAddress, sig.count, message.baseAddress, message.count)
        }
        if verified != 1 { _ = OpenSSLError.drain() }
        return verified == 1
    }

    static func configure(_ keyContext: OpaquePointer?, for scheme: SignatureScheme) -> Bool {
        guard scheme == .ps256 else { return true }
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
            && gateway_EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, 32) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, Digest.sha256Method) == 1
    }
}
