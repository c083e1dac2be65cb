import Foundation
import GatewayCore

/// Whom a verifier believes: a trust store and the policies every signer's chain must meet.
public struct SignerTrust: Sendable {
    public let store: TrustStore
    public let policy: AllOfPolicies

    public init(store: TrustStore, policy: AllOfPolicies) {
        self.store = store
        self.policy = policy
    }

    /// The rules every party's signer meets: validity, revocation, key usage, key strength.
    /// `additional` policies (a partner's pinned signers, for instance) are checked after them.
    public static func standard(store: TrustStore, requireRevocationList: Bool = false,
                                additional: [any SignerPolicy] = []) -> SignerTrust {
        standard(store: store, revocation: RevocationPolicy(revocationLists: store.revocationLists, requireRevocationList: requireRevocationList),
                 additional: additional)
    }

    /// The same rules with revocation as `revocation` says (its sources and mode).
    public static func standard(store: TrustStore, revocation: RevocationPolicy, additional: [any SignerPolicy] = []) -> SignerTrust {
        SignerTrust(store: store, policy: AllOfPolicies {
            ValidityPeriodPolicy()
            revocation
            KeyUsagePolicy()
            KeyStrengthPolicy()
            AllOfPolicies(additional)
        })
    }

    public func verifySigner(_ signer: Certificate, intermediates: [Certificate], at time: Date) throws(SignatureRefusal) -> CertificateChain {
        let chain = try store.chain(for: signer, intermediates: intermediates)
        if case .failsToMeetPolicy(let refusal) = policy.evaluate(chain, at: time) {
            throw refusal
        }
        return chain
    }
}
