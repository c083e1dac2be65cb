/// A path from the signer's certificate to a trust anchor: signer first, anchor last.
/// Each link's signature has been checked; time, revocation and usage are the policies' business.
public struct CertificateChain: Sendable, Hashable {
    public let certificates: [Certificate]

    public init(_ certificates: [Certificate]) {
        precondition(!certificates.isEmpty, "a chain holds at least the signer's certificate")
        self.certificates = certificates
    }

    public var signer: Certificate { certificates[0] }
    public var anchor: Certificate { certificates[certificates.count - 1] }

    /// The issuer of the certificate at `index`, when the chain continues above it.
    func issuer(of index: Int) -> Certificate? {
        index + 1 < certificates.count ? certificates[index + 1] : nil
    }

    /// "the signer", "the issuing CA", "the trust anchor": how messages name a link.
    func role(of index: Int) -> String {
        if index == 0 { return "the signer certificate" }
        if index == certificates.count - 1 { return "the trust anchor" }
        return "the CA certificate"
    }
}
