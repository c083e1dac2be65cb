import COpenSSL
import Foundation
import GatewayCore

/// An OCSP responder's answer about one certificate, once checked: the response is signed by the
/// certificate's issuer or by a responder certificate the issuer issued for OCSP signing, and it
/// speaks of this certificate.
public struct OCSPAnswer: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case good
        case revoked(at: Date)
        /// The responder does not know the certificate.
        case unknown
    }

    public let status: Status
    public let thisUpdate: Date
    public let nextUpdate: Date?
}

/// RFC 6960 requests and responses through OpenSSL.
public enum OCSP {
    /// The DER request for `certificate` (a SHA-1 CertID, which every responder understands),
    /// without a nonce: answers are cached and shared, as X-Road does.
    public static func request(for certificate: Certificate, issuer: Certificate) throws(GatewayError) -> [UInt8] {
        guard let request = OCSP_REQUEST_new() else { throw GatewayError(.internalError, "OpenSSL could not allocate an OCSP request.") }
        defer { OCSP_REQUEST_free(request) }
        guard let id = OCSP_cert_to_id(nil, certificate.pointer, issuer.pointer) else {
            throw GatewayError(.internalError, "OpenSSL could not name \(certificate.subject) for OCSP: \(OpenSSLError.drain())")
        }
        guard OCSP_request_add0_id(request, id) != nil else {
            OCSP_CERTID_free(id)
            throw GatewayError(.internalError, "OpenSSL could not build the OCSP request: \(OpenSSLError.drain())")
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_OCSP_REQUEST(request, &bytes)
        guard length > 0, let bytes else { throw GatewayError(.internalError, "OpenSSL could not encode the OCSP request: \(OpenSSLError.drain())") }
        defer { gateway_OPENSSL_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }

    /// Reads and checks a responder's answer (`application/ocsp-response`) about `certificate`.
    public static func answer(_ der: [UInt8], for certificate: Certificate, issuer: Certificate) throws(GatewayError) -> OCSPAnswer {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let response = parsed else { throw failure("is not an OCSP response") }
        defer { OCSP_RESPONSE_free(response) }
        let status = OCSP_response_status(response)
        guard status == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            throw failure("says \(String(cString: OCSP_response_status_str(Int(status))))")
        }
        guard let basic = OCSP_response_get1_basic(response) else { throw failure("carries no basic response") }
        defer { OCSP_BASICRESP_free(basic) }
        try checkSignature(basic, issuer: issuer)
        guard let id = OCSP_cert_to_id(nil, certificate.pointer, issuer.pointer) else { throw failure("cannot be matched") }
        defer { OCSP_CERTID_free(id) }
        var state: Int32 = -1, reason: Int32 = -1
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard OCSP_resp_find_status(basic, id, &state, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1 else {
            throw failure("does not speak of \(certificate.subject)")
        }
        let answer: OCSPAnswer.Status = switch state {
        case V_OCSP_CERTSTATUS_GOOD: .good
        case V_OCSP_CERTSTATUS_REVOKED: .revoked(at: Certificate.date(revokedAt))
        default: .unknown
        }
        return OCSPAnswer(status: answer, thisUpdate: Certificate.date(thisUpdate), nextUpdate: nextUpdate.map { Certificate.date($0) })
    }

    /// Signed by the issuer itself, or by a certificate the issuer issued with the OCSP signing
    /// usage. Times are the gateway's clock's business (`OCSPResponses`), not OpenSSL's.
    private static func checkSignature(_ basic: OpaquePointer, issuer: Certificate) throws(GatewayError) {
        guard let store = X509_STORE_new(), let known = gateway_sk_X509_new_null() else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a certificate store.")
        }
        defer {
            X509_STORE_free(store)
            gateway_sk_X509_free(known)
        }
        X509_STORE_add_cert(store, issuer.pointer)
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN) | UInt(X509_V_FLAG_NO_CHECK_TIME))
        gateway_sk_X509_push(known, issuer.pointer)
        guard OCSP_basic_verify(basic, known, store, 0) == 1 else {
            throw failure("is not signed by \(issuer.subject) or a responder it named: \(OpenSSLError.drain())")
        }
    }

    private static func failure(_ what: String) -> GatewayError {
        GatewayError(.signatureInvalid, "The OCSP response \(what).")
    }
}
