import COpenSSL
import Foundation
import GatewayCore
import Synchronization

/// The certificates a party trusts, read from a directory of `*.pem` / `*.crt` certificates and
/// `*.crl` / `*.crl.pem` revocation lists (CRLs inside PEM files count too). A certificate whose
/// issuer is also in the directory is an intermediate, so chains run up to the root and the root's
/// CRL can revoke an issuing CA; the others are trust anchors (a root, or an issuing CA a partner
/// is pinned at). The store is read once and never changes; a changed directory means a new store.
public final class TrustStore: @unchecked Sendable {
    public let source: String
    public let anchors: [Certificate]
    public let intermediates: [Certificate]
    public let revocationLists: [RevocationList]
    private let store: OpaquePointer
    private let knownByPointer: [OpaquePointer: Certificate]
    /// Chains already built, by signer fingerprint: a partner signs thousands of messages with one
    /// certificate, and building its chain costs a signature check per link.
    private let chains = Mutex<[String: CertificateChain]>([:])
    private static let maximumCachedChains = 4096

    public convenience init(directory: String) throws(GatewayError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw GatewayError(.configurationInvalid, "The trust directory \(directory) does not exist.")
        }
        guard isDirectory.boolValue else {
            throw GatewayError(.configurationInvalid,
                               "\(directory) is a file: the trust is a directory of CA certificates and CRLs (PEM files), such as Certificates/demo/trust/vn.")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw GatewayError(.configurationInvalid, "The trust directory \(directory) cannot be read: \(error.localizedDescription)")
        }
        var certificates: [Certificate] = []
        var lists: [RevocationList] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let isCRL = name.hasSuffix(".crl") || name.hasSuffix(".crl.pem")
            guard isCRL || name.hasSuffix(".pem") || name.hasSuffix(".crt") else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GatewayError(.configurationInvalid, "The trust file \(path) cannot be read.")
            }
            do throws(GatewayError) {
                if isCRL {
                    lists += try RevocationList.load(Array(data))
                } else {
                    let contents = try PEMContents.read(Array(data))
                    certificates += contents.certificates
                    lists += contents.revocationLists
                }
            } catch {
                throw GatewayError(.configurationInvalid, "The trust file \(path) is not usable: \(error.message)")
            }
        }
        guard !certificates.isEmpty else {
            throw GatewayError(.configurationInvalid, "The trust directory \(directory) holds no certificate (*.pem or *.crt).")
        }
        try self.init(certificates: certificates, revocationLists: lists, source: directory)
    }

    public init(certificates: [Certificate], revocationLists: [RevocationList] = [], source: String) throws(GatewayError) {
        guard let store = X509_STORE_new() else {
            throw GatewayError(.internalError, "OpenSSL could not allocate a certificate store.")
        }
        self.store = store
        self.source = source
        self.revocationLists = revocationLists
        var unique: [Certificate] = []
        for certificate in certificates where !unique.contains(certificate) { unique.append(certificate) }
        let subjects = Set(unique.map(\.subject))
        let isIntermediate = { (certificate: Certificate) in !certificate.isSelfIssued && subjects.contains(certificate.issuer) }
        anchors = unique.filter { !isIntermediate($0) }
        intermediates = unique.filter(isIntermediate)
        var byPointer: [OpaquePointer: Certificate] = [:]
        for certificate in unique { byPointer[certificate.pointer] = certificate }
        for anchor in anchors { X509_STORE_add_cert(store, anchor.pointer) }
        _ = OpenSSLError.drain()
        knownByPointer = byPointer
        // Time is a policy (with the caller's clock), not OpenSSL's wall clock; an anchor need
        // not be self-signed, so a partner can be pinned at its issuing CA.
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN) | UInt(X509_V_FLAG_NO_CHECK_TIME))
    }

    deinit {
        X509_STORE_free(store)
    }

    /// Builds the chain from `signer` through `intermediates` (those the message carries) to an
    /// anchor of this store, checking each link's signature and CA constraints.
    public func chain(for signer: Certificate, intermediates: [Certificate]) throws(SignatureRefusal) -> CertificateChain {
        if let cached = chains.withLock({ $0[signer.fingerprintSHA256] }) {
            return cached
        }
        let chain = try buildChain(for: signer, intermediates: intermediates)
        chains.withLock { cache in
            if cache.count >= TrustStore.maximumCachedChains { cache.removeAll(keepingCapacity: true) }
            cache[signer.fingerprintSHA256] = chain
        }
        return chain
    }

    /// The signer certificates whose chains were built since the store was read: the partners'
    /// signers the gateway has seen, whose expiry an operator is warned of.
    public var signersSeen: [Certificate] {
        chains.withLock { $0.values.map(\.signer) }.sorted { $0.subject < $1.subject }
    }

    private func buildChain(for signer: Certificate, intermediates: [Certificate]) throws(SignatureRefusal) -> CertificateChain {
        guard let context = X509_STORE_CTX_new(), let untrusted = gateway_sk_X509_new_null() else {
            throw SignatureRefusal(.untrustedSigner, "OpenSSL could not allocate a verification context.")
        }
        defer {
            X509_STORE_CTX_free(context)
            gateway_sk_X509_free(untrusted)
        }
        var known: [OpaquePointer: Certificate] = knownByPointer
        known[signer.pointer] = signer
        for certificate in intermediates + self.intermediates {
            gateway_sk_X509_push(untrusted, certificate.pointer)
            known[certificate.pointer] = certificate
        }
        guard X509_STORE_CTX_init(context, store, signer.pointer, untrusted) == 1 else {
            throw SignatureRefusal(.untrustedSigner, "OpenSSL could not start chain building: \(OpenSSLError.drain())")
        }
        guard X509_verify_cert(context) == 1 else {
            _ = OpenSSLError.drain()
            throw refusal(from: context, signer: signer)
        }
        guard let built = X509_STORE_CTX_get0_chain(context) else {
            throw SignatureRefusal(.untrustedSigner, "OpenSSL built no chain for \(signer.subject).")
        }
        var certificates: [Certificate] = []
        for index in 0..<gateway_sk_X509_num(built) {
            guard let link = gateway_sk_X509_value(built, index), let certificate = known[link] else {
                throw SignatureRefusal(.untrustedSigner, "The chain of \(signer.subject) holds a certificate of unknown origin.")
            }
            certificates.append(certificate)
        }
        return CertificateChain(certificates)
    }

    private func refusal(from context: OpaquePointer, signer: Certificate) -> SignatureRefusal {
        let code = X509_STORE_CTX_get_error(context)
        let reason = String(cString: X509_verify_cert_error_string(Int(code)))
        let failing = X509_STORE_CTX_get_current_cert(context).map { Certificate.format(X509_get_subject_name($0)) } ?? signer.subject
        switch code {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return SignatureRefusal(.untrustedSigner,
                "The signer certificate \(signer.subject) (issued by \(signer.issuer)) does not chain to a trust anchor in \(source).")
        default:
            return SignatureRefusal(.untrustedSigner,
                "The certificate chain of \(signer.subject) is not valid at \(failing): \(reason).")
        }
    }
}
