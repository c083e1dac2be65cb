import COpenSSL
import Foundation
import GatewayCore

/// A CMS (PKCS #7) signature kept apart from what it signs — the form ASiC-E gives the signature
/// over its manifest (`META-INF/signature.p7s`): `openssl cms -verify -binary -content …` reads it.
public enum DetachedSignature {
    /// Signs `content` with `signer`'s key; the signing certificate and its chain go in.
    public static func sign(_ content: [UInt8], with signer: MessageSigner) throws(GatewayError) -> [UInt8] {
        guard let data = MemoryBIO(content), let chain = gateway_sk_X509_new_null() else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a CMS signature.")
        }
        defer { gateway_sk_X509_free(chain) }
        for certificate in signer.xml.certificates.dropFirst() { gateway_sk_X509_push(chain, certificate.pointer) }
        guard let signed = CMS_sign(signer.xml.certificates[0].pointer, signer.xml.key.pointer, chain, data.pointer,
                                    UInt32(CMS_DETACHED | CMS_BINARY)) else {
            throw GatewayError(.internalError, "OpenSSL could not sign: \(OpenSSLError.drain())")
        }
        defer { CMS_ContentInfo_free(signed) }
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_CMS_ContentInfo(signed, &bytes)
        guard length > 0, let bytes else { throw GatewayError(.internalError, "OpenSSL could not encode the CMS signature: \(OpenSSLError.drain())") }
        defer { gateway_OPENSSL_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }

    /// Checks `signature` over `content` against `trust` (the signer's certificate or its CA,
    /// as at `time`); the signer's subject.
    public static func verify(_ signature: [UInt8], over content: [UInt8], trust: [Certificate], at time: Date) throws(GatewayError) -> String {
        let parsed: OpaquePointer? = signature.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_CMS_ContentInfo(nil, &cursor, buffer.count)
        }
        guard let cms = parsed else { throw GatewayError(.signatureInvalid, "The signature is not a DER CMS SignedData.") }
        defer { CMS_ContentInfo_free(cms) }
        guard let data = MemoryBIO(content), let store = X509_STORE_new() else { throw GatewayError(.internalError, "OpenSSL could not allocate a CMS check.") }
        defer { X509_STORE_free(store) }
        for certificate in trust { X509_STORE_add_cert(store, certificate.pointer) }
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        X509_STORE_set_purpose(store, X509_PURPOSE_ANY)
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), time_t(time.timeIntervalSince1970))
        guard CMS_verify(cms, nil, store, data.pointer, nil, UInt32(CMS_BINARY)) == 1 else {
            throw GatewayError(.signatureInvalid, "The signature does not hold over these bytes with the given certificate: \(OpenSSLError.drain())")
        }
        guard let signers = CMS_get0_signers(cms) else { return "" }
        defer { gateway_sk_X509_free(signers) }
        guard gateway_sk_X509_num(signers) > 0, let signer = gateway_sk_X509_value(signers, 0) else { return "" }
        return Certificate.format(X509_get_subject_name(signer))
    }
}
