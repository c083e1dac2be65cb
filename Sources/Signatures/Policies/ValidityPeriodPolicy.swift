import Foundation

/// Every certificate of the chain, anchor included, is within its validity period at the
/// verification time (the gateway's clock, so tests and replays are deterministic).
public struct ValidityPeriodPolicy: SignerPolicy {
    public init() {}

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        for (index, certificate) in chain.certificates.enumerated() {
            if time < certificate.notBefore {
                return .failsToMeetPolicy(SignatureRefusal(.certificateNotYetValid,
                    "\(chain.role(of: index).capitalizedFirst) \(certificate.subject) is not valid before \(certificate.notBefore.iso8601).",
                    path: "certificate"))
            }
            if time > certificate.notAfter {
                return .failsToMeetPolicy(SignatureRefusal(.certificateExpired,
                    "\(chain.role(of: index).capitalizedFirst) \(certificate.subject) expired on \(certificate.notAfter.iso8601).",
                    path: "certificate"))
            }
        }
        return .meetsPolicy
    }
}

extension Date {
    var iso8601: String { ISO8601DateFormatter().string(from: self) }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
