import COpenSSL
import Foundation
import GatewayCore

/// A certificate revocation list, read once from the trust directory and never changed.
public final class RevocationList: @unchecked Sendable {
    let pointer: OpaquePointer
    public let issuer: String

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        issuer = Certificate.format(X509_CRL_get_issuer(pointer))
    }

    deinit {
        X509_CRL_free(pointer)
    }

    /// DER (`*.crl` as `openssl ca -gencrl -outform DER` writes it) or PEM.
    public static func load(_ bytes: [UInt8]) throws(GatewayError) -> [RevocationList] {
        if String(decoding: bytes, as: UTF8.self).contains("-----BEGIN X509 CRL-----") {
            return try PEMContents.read(bytes).revocationLists
        }
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            throw GatewayError(.malformed, "The CRL is neither PEM nor DER: \(OpenSSLError.drain())")
        }
        return [RevocationList(taking: parsed)]
    }

    public var nextUpdate: Date? {
        X509_CRL_get0_nextUpdate(pointer).map { Certificate.date($0) }
    }

    public var thisUpdate: Date { Certificate.date(X509_CRL_get0_lastUpdate(pointer)) }

    func isIssued(by certificate: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(certificate.pointer)) == 0
    }

    func signatureVerifies(with issuer: Certificate) -> Bool {
        guard let key = issuer.publicKey else { return false }
        let verified = X509_CRL_verify(pointer, key) == 1
        if !verified { _ = OpenSSLError.drain() }
        return verified
    }

    /// The revocation date when the certificate is on this list.
    func revocationDate(of certificate: Certificate) -> Date? {
        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(pointer, &entry, certificate.pointer) == 1, let entry else { return nil }
        return Certificate.date(X509_REVOKED_get0_revocationDate(entry))
    }
}
