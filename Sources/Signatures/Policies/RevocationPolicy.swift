import Foundation
import Synchronization

/// No certificate below the anchor is on a CRL of its issuer. A CRL counts only if its
/// signature verifies with the issuer's key, and an out-of-date CRL is not trusted to say
/// "not revoked". When `requireRevocationList` is set, an issuer without any CRL fails too.
public struct RevocationPolicy: SignerPolicy {
    public let revocationLists: [RevocationList]
    public let requireRevocationList: Bool
    private let verifiedSignatures = VerifiedCRLSignatures()

    public init(revocationLists: [RevocationList], requireRevocationList: Bool = false) {
        self.revocationLists = revocationLists
        self.requireRevocationList = requireRevocationList
    }

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        for (index, certificate) in chain.certificates.enumerated() {
            guard let issuer = chain.issuer(of: index) else { break }
            let lists = revocationLists.filter { $0.isIssued(by: issuer) && verifiedSignatures.verify($0, issuer: issuer) }
            if lists.isEmpty {
                if requireRevocationList {
                    return .failsToMeetPolicy(SignatureRefusal(.revocationStatusUnknown,
                        "No CRL of \(issuer.subject) is available to check \(chain.role(of: index)) \(certificate.subject).",
                        path: "certificate"))
                }
                continue
            }
            for list in lists {
                if let revoked = list.revocationDate(of: certificate), revoked <= time {
                    return .failsToMeetPolicy(SignatureRefusal(.certificateRevoked,
                        "\(chain.role(of: index).capitalizedFirst) \(certificate.subject) (serial \(certificate.serialNumberHex)) was revoked on \(revoked.iso8601) by \(issuer.subject).",
                        path: "certificate"))
                }
            }
            if lists.allSatisfy({ ($0.nextUpdate ?? .distantFuture) < time }) {
                return .failsToMeetPolicy(SignatureRefusal(.revocationStatusUnknown,
                    "The CRL of \(issuer.subject) is out of date (next update was due \((lists.compactMap(\.nextUpdate).max() ?? time).iso8601)); a current CRL is needed.",
                    path: "certificate"))
            }
        }
        return .meetsPolicy
    }
}

/// Which (CRL, issuer) pairs have had their signature checked, so each costs one check.
final class VerifiedCRLSignatures: Sendable {
    private let results = Mutex<[ObjectIdentifier: [String: Bool]]>([:])

    func verify(_ list: RevocationList, issuer: Certificate) -> Bool {
        let key = ObjectIdentifier(list)
        if let known = results.withLock({ $0[key]?[issuer.fingerprintSHA256] }) { return known }
        let verified = list.signatureVerifies(with: issuer)
        results.withLock { $0[key, default: [:]][issuer.fingerprintSHA256] = verified }
        return verified
    }
}
