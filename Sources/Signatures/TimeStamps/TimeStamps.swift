import COpenSSL
import Foundation
import GatewayCore

/// An RFC 3161 time-stamp token once checked: signed by a time-stamping authority the caller
/// trusts, over the SHA-256 imprint it was asked about.
public struct TimeStampToken: Sendable, Equatable {
    /// The token (a CMS SignedData) exactly as the authority sent it: what `openssl ts -verify
    /// -token_in` reads.
    public let der: [UInt8]
    /// When the authority says it saw the imprint.
    public let time: Date
    /// The subject of the authority's signing certificate.
    public let authority: String
}

/// RFC 3161 requests, responses and tokens through OpenSSL's TS API.
public enum TimeStamps {
    /// A request for `imprint` (a SHA-256 digest), asking for the authority's certificate in the
    /// token so that it can be checked offline later; the nonce to expect back, as hex.
    public static func request(imprint: [UInt8]) throws(GatewayError) -> (der: [UInt8], nonce: String) {
        guard imprint.count == 32 else { throw GatewayError(.internalError, "A time-stamp is asked for a SHA-256 digest (32 bytes), not \(imprint.count) bytes.") }
        guard let request = TS_REQ_new(), let message = TS_MSG_IMPRINT_new(), let algorithm = X509_ALGOR_new() else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a time-stamp request.")
        }
        defer {
            TS_REQ_free(request)
            TS_MSG_IMPRINT_free(message)
            X509_ALGOR_free(algorithm)
        }
        var nonceBytes = [UInt8](repeating: 0, count: 8)
        guard RAND_bytes(&nonceBytes, Int32(nonceBytes.count)) == 1, let number = BN_bin2bn(nonceBytes, Int32(nonceBytes.count), nil) else {
            throw GatewayError(.internalError, "OpenSSL could not draw a nonce: \(OpenSSLError.drain())")
        }
        defer { BN_free(number) }
        guard let nonce = BN_to_ASN1_INTEGER(number, nil) else { throw GatewayError(.internalError, "OpenSSL could not encode a nonce.") }
        defer { ASN1_INTEGER_free(nonce) }
        // The setters copy what they are given.
        let built = X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nil) == 1
            && TS_MSG_IMPRINT_set_algo(message, algorithm) == 1
            && imprint.withUnsafeBufferPointer { TS_MSG_IMPRINT_set_msg(message, UnsafeMutablePointer(mutating: $0.baseAddress), Int32($0.count)) } == 1
            && TS_REQ_set_version(request, 1) == 1
            && TS_REQ_set_msg_imprint(request, message) == 1
            && TS_REQ_set_nonce(request, nonce) == 1
            && TS_REQ_set_cert_req(request, 1) == 1
        guard built else { throw GatewayError(.internalError, "OpenSSL could not build the time-stamp request: \(OpenSSLError.drain())") }
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_TS_REQ(request, &bytes)
        guard length > 0, let bytes else { throw GatewayError(.internalError, "OpenSSL could not encode the time-stamp request: \(OpenSSLError.drain())") }
        defer { gateway_OPENSSL_free(bytes) }
        return (Array(UnsafeBufferPointer(start: bytes, count: Int(length))), Self.hex(number))
    }

    /// The token of an authority's response (`application/timestamp-reply`) to a request with
    /// `nonce` about `imprint`, checked against `trust` (the authority's certificate or its CA).
    public static func token(fromResponse der: [UInt8], imprint: [UInt8], nonce: String, trust: [Certificate]) throws(GatewayError) -> TimeStampToken {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_TS_RESP(nil, &cursor, buffer.count)
        }
        guard let response = parsed else { throw failure("The answer is not an RFC 3161 time-stamp response.") }
        defer { TS_RESP_free(response) }
        let status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response)))
        // 0: granted, 1: granted with modifications; the rest are refusals.
        guard status == 0 || status == 1, let content = TS_RESP_get_token(response) else {
            throw failure("The time-stamping authority refused the request (PKIStatus \(status)).")
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_PKCS7(content, &bytes)
        guard length > 0, let bytes else { throw failure("The time-stamp token cannot be encoded: \(OpenSSLError.drain())") }
        let token = Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
        gateway_OPENSSL_free(bytes)
        return try verify(token, imprint: imprint, nonce: nonce, trust: trust)
    }

    /// Checks a stored token: the authority's signature (its certificate as at the token's time,
    /// issued for time-stamping and chaining to `trust`), and that it speaks of `imprint`.
    public static func verify(_ token: [UInt8], imprint: [UInt8], nonce: String? = nil, trust: [Certificate]) throws(GatewayError) -> TimeStampToken {
        let parsed: UnsafeMutablePointer<PKCS7>? = token.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS7(nil, &cursor, buffer.count)
        }
        guard let content = parsed else { throw failure("The time-stamp token is not a CMS SignedData.") }
        defer { PKCS7_free(content) }
        guard let info = PKCS7_to_TS_TST_INFO(content) else { throw failure("The time-stamp token carries no TSTInfo: \(OpenSSLError.drain())") }
        defer { TS_TST_INFO_free(info) }
        let time = Certificate.date(TS_TST_INFO_get_time(info))
        let message = TS_TST_INFO_get_msg_imprint(info)
        var algorithm: OpaquePointer?
        X509_ALGOR_get0(&algorithm, nil, nil, TS_MSG_IMPRINT_get_algo(message))
        guard OBJ_obj2nid(algorithm) == NID_sha256, let digest = TS_MSG_IMPRINT_get_msg(message),
              Array(UnsafeBufferPointer(start: ASN1_STRING_get0_data(digest), count: Int(ASN1_STRING_length(digest)))) == imprint else {
            throw failure("The time-stamp token speaks of another digest than the records it is stored with.")
        }
        if let nonce {
            guard let answered = TS_TST_INFO_get_nonce(info), let number = ASN1_INTEGER_to_BN(answered, nil) else {
                throw failure("The time-stamp token carries no nonce.")
            }
            defer { BN_free(number) }
            guard Self.hex(number) == nonce else { throw failure("The time-stamp token answers another request (its nonce differs).") }
        }
        let authority = try checkSignature(content, at: time, trust: trust)
        return TimeStampToken(der: token, time: time, authority: authority)
    }

    private static func checkSignature(_ content: UnsafeMutablePointer<PKCS7>, at time: Date, trust: [Certificate]) throws(GatewayError) -> String {
        guard let context = TS_VERIFY_CTX_new(), let store = X509_STORE_new() else { throw GatewayError(.internalError, "OpenSSL could not allocate a time-stamp check.") }
        // The context owns the store from here (OpenSSL 3.0's TS_VERIFY_CTX_set_store).
        TS_VERIFY_CTX_set_store(context, store)
        defer { TS_VERIFY_CTX_free(context) }
        for certificate in trust { X509_STORE_add_cert(store, certificate.pointer) }
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        // A token stays evidence after its authority's certificate expires: it was valid when it signed.
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), time_t(time.timeIntervalSince1970))
        TS_VERIFY_CTX_set_flags(context, Int32(TS_VFY_VERSION | TS_VFY_SIGNATURE))
        guard TS_RESP_verify_token(context, content) == 1 else {
            throw failure("The time-stamp token is not signed by a time-stamping authority the gateway trusts: \(OpenSSLError.drain())")
        }
        guard let signers = PKCS7_get0_signers(content, nil, 0) else { return "" }
        defer { gateway_sk_X509_free(signers) }
        guard gateway_sk_X509_num(signers) > 0, let signer = gateway_sk_X509_value(signers, 0) else { return "" }
        return Certificate.format(X509_get_subject_name(signer))
    }

    private static func hex(_ number: OpaquePointer) -> String {
        guard let text = BN_bn2hex(number) else { return "" }
        defer { gateway_OPENSSL_free(text) }
        return String(cString: text)
    }

    private static func failure(_ message: String) -> GatewayError {
        GatewayError(.signatureInvalid, message)
    }
}
