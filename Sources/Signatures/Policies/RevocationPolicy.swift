import Foundation

/// No certificate below the anchor is revoked, by what the sources say (the trust directory's
/// CRLs, CRLs fetched from distribution points, OCSP), asked in order: any `revoked` refuses,
/// whatever the mode. A link no source can vouch for is `REVOCATION_STATUS_UNKNOWN` in `hard`
/// mode; in `soft` mode it passes and `onUnknown` hears why.
public struct RevocationPolicy: SignerPolicy {
    public let sources: [any RevocationSource]
    public let mode: RevocationMode
    let onUnknown: @Sendable (String) -> Void

    public init(sources: [any RevocationSource], mode: RevocationMode = .soft, onUnknown: @escaping @Sendable (String) -> Void = { _ in }) {
        self.sources = sources
        self.mode = mode
        self.onUnknown = onUnknown
    }

    /// The trust directory's CRLs alone; `requireRevocationList` is the hard mode.
    public init(revocationLists: [RevocationList], requireRevocationList: Bool = false) {
        self.init(sources: [RevocationLists(revocationLists, name: "the trust directory's CRL")], mode: requireRevocationList ? .hard : .soft)
    }

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        for (index, certificate) in chain.certificates.enumerated() {
            guard let issuer = chain.issuer(of: index) else { break }
            var vouched = false
            var doubts: [String] = []
            for source in sources {
                switch source.status(of: certificate, issuer: issuer, at: time) {
                case nil: continue
                case .good: vouched = true
                case .unknown(let why): doubts.append(why)
                case .revoked(let at, let by):
                    return .failsToMeetPolicy(SignatureRefusal(.certificateRevoked,
                        "\(chain.role(of: index).capitalizedFirst) \(certificate.subject) (serial \(certificate.serialNumberHex)) was revoked on \(at.iso8601) by \(issuer.subject) (\(by)).",
                        path: "certificate"))
                }
            }
            guard !vouched else { continue }
            let why = doubts.isEmpty
                ? "No CRL or OCSP responder of \(issuer.subject) is available to check \(chain.role(of: index)) \(certificate.subject)."
                : "The revocation status of \(chain.role(of: index)) \(certificate.subject) is unknown: \(doubts.joined(separator: "; "))."
            if mode == .hard {
                return .failsToMeetPolicy(SignatureRefusal(.revocationStatusUnknown, why, path: "certificate"))
            }
            onUnknown(why)
        }
        return .meetsPolicy
    }
}
