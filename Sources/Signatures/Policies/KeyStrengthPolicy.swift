import Foundation

/// The signer's key is strong enough: RSA of at least `minimumRSABits` (2048, as MOIT and VCB
/// require) or an EC key on one of the NIST curves.
public struct KeyStrengthPolicy: SignerPolicy {
    public let minimumRSABits: Int

    public init(minimumRSABits: Int = 2048) {
        self.minimumRSABits = minimumRSABits
    }

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        guard let kind = chain.signer.keyKind else {
            return .failsToMeetPolicy(SignatureRefusal(.weakKey, "The signer certificate \(chain.signer.subject) has no usable public key."))
        }
        switch kind {
        case .rsa(let bits) where bits >= minimumRSABits:
            return .meetsPolicy
        case .ec(let curve, _) where ["prime256v1", "secp384r1", "secp521r1"].contains(curve):
            return .meetsPolicy
        case let kind:
            return .failsToMeetPolicy(SignatureRefusal(.weakKey,
                "The signer certificate \(chain.signer.subject) has a \(kind) key; RSA of at least \(minimumRSABits) bits or EC P-256/P-384/P-521 is required.",
                path: "certificate"))
        }
    }
}
