import COpenSSL
import Foundation
import GatewayCore

/// An X.509 certificate. The wrapped OpenSSL object is never changed after creation, and
/// OpenSSL 3 guards its internal caches, so sharing it across tasks is safe.
public final class Certificate: @unchecked Sendable, CustomStringConvertible {
    let pointer: OpaquePointer

    /// DER bytes exactly as received, SHA-256 over them, the names, the validity and the key:
    /// computed once, read for every message the certificate signs.
    public let der: [UInt8]
    public let fingerprintSHA256: String
    public let subject: String
    public let issuer: String
    public let serialNumberHex: String
    public let notBefore: Date
    public let notAfter: Date
    public let keyKind: KeyKind?

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) throws(GatewayError) {
        self.pointer = pointer
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &bytes)
        guard length > 0, let bytes else {
            X509_free(pointer)
            throw GatewayError(.malformed, "The certificate cannot be encoded as DER: \(OpenSSLError.drain())")
        }
        der = Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
        gateway_OPENSSL_free(bytes)
        fingerprintSHA256 = Digest.sha256(der).colonSeparatedHex
        subject = Certificate.format(X509_get_subject_name(pointer))
        issuer = Certificate.format(X509_get_issuer_name(pointer))
        serialNumberHex = Certificate.serialNumber(pointer)
        notBefore = Certificate.date(X509_get0_notBefore(pointer))
        notAfter = Certificate.date(X509_get0_notAfter(pointer))
        keyKind = X509_get0_pubkey(pointer).map(KeyKind.init)
    }

    public convenience init(der: [UInt8]) throws(GatewayError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            throw GatewayError(.malformed, "The certificate is not valid DER X.509: \(OpenSSLError.drain())")
        }
        try self.init(taking: parsed)
    }

    deinit {
        X509_free(pointer)
    }

    /// Every certificate in a PEM text (a file may hold a whole chain).
    public static func certificates(pem: [UInt8]) throws(GatewayError) -> [Certificate] {
        let found = try PEMContents.read(pem)
        return found.certificates
    }

    public var description: String { subject }

    private static func serialNumber(_ pointer: OpaquePointer) -> String {
        guard let serial = X509_get0_serialNumber(pointer), let number = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { gateway_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    public var isSelfIssued: Bool { X509_check_issued(pointer, pointer) == X509_V_OK }

    /// The value of the subject's attribute such as `C` or `CN`, when present.
    public func subjectAttribute(_ shortName: String) -> String? {
        let nid = OBJ_sn2nid(shortName)
        guard nid != NID_undef, let name = X509_get_subject_name(pointer) else { return nil }
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
              let data = X509_NAME_ENTRY_get_data(entry) else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { gateway_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    /// The key usage bits, or nil when the certificate has no keyUsage extension.
    var keyUsage: UInt32? {
        let flags = X509_get_extension_flags(pointer)
        guard flags & UInt32(EXFLAG_KUSAGE) != 0 else { return nil }
        return X509_get_key_usage(pointer)
    }

    /// The subject public key; owned by the certificate.
    var publicKey: OpaquePointer? { X509_get0_pubkey(pointer) }

    public var publicKeyDescription: String { keyKind?.description ?? "unknown key" }

    static func format(_ name: OpaquePointer?) -> String {
        guard let name, let bio = MemoryBIO() else { return "" }
        X509_NAME_print_ex(bio.pointer, name, 0, gateway_name_print_flags())
        return bio.string
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var components = tm()
        guard let time, ASN1_TIME_to_tm(time, &components) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&components)))
    }
}

extension Certificate: Hashable {
    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprintSHA256) }
}
