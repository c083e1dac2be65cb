import COpenSSL
import GatewayCore

/// The certificates and CRLs found in one PEM text.
struct PEMContents {
    var certificates: [Certificate] = []
    var revocationLists: [RevocationList] = []

    static func read(_ pem: [UInt8]) throws(GatewayError) -> PEMContents {
        guard let bio = MemoryBIO(pem) else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a memory BIO.")
        }
        guard let stack = PEM_X509_INFO_read_bio(bio.pointer, nil, nil, nil) else {
            throw GatewayError(.malformed, "The PEM data cannot be read: \(OpenSSLError.drain())")
        }
        defer { gateway_sk_X509_INFO_pop_free(stack) }
        var contents = PEMContents()
        for index in 0..<gateway_sk_X509_INFO_num(stack) {
            guard let info = gateway_sk_X509_INFO_value(stack, index) else { continue }
            if let x509 = info.pointee.x509 {
                info.pointee.x509 = nil
                contents.certificates.append(try Certificate(taking: x509))
            }
            if let crl = info.pointee.crl {
                info.pointee.crl = nil
                contents.revocationLists.append(RevocationList(taking: crl))
            }
        }
        return contents
    }
}
