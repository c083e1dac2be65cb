import Foundation

/// One rule a signer's certificate chain must meet, in the manner of swift-certificates'
/// `VerifierPolicy`: each rule is a small value that either passes or says exactly why not.
/// Callers assemble the rules per party (see `SignerTrust`); a new rule (a partner's pinned
/// signers, OCSP) is a new policy, not a change to the verifiers.
public protocol SignerPolicy: Sendable {
    func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult
}

public enum PolicyResult: Sendable, Hashable {
    case meetsPolicy
    case failsToMeetPolicy(SignatureRefusal)
}

/// Every policy must pass; the first failure is the answer.
public struct AllOfPolicies: SignerPolicy {
    public let policies: [any SignerPolicy]

    public init(_ policies: [any SignerPolicy]) {
        self.policies = policies
    }

    public init(@SignerPolicyBuilder _ build: () -> [any SignerPolicy]) {
        self.policies = build()
    }

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        for policy in policies {
            if case .failsToMeetPolicy(let refusal) = policy.evaluate(chain, at: time) {
                return .failsToMeetPolicy(refusal)
            }
        }
        return .meetsPolicy
    }
}

/// At least one policy must pass (for example: pinned by fingerprint, or subject matches);
/// when none does, the refusal lists each one's reason.
public struct OneOfPolicies: SignerPolicy {
    public let policies: [any SignerPolicy]

    public init(_ policies: [any SignerPolicy]) {
        self.policies = policies
    }

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        var refusals: [SignatureRefusal] = []
        for policy in policies {
            switch policy.evaluate(chain, at: time) {
            case .meetsPolicy: return .meetsPolicy
            case .failsToMeetPolicy(let refusal): refusals.append(refusal)
            }
        }
        guard let first = refusals.first else { return .meetsPolicy }
        let message = refusals.count == 1 ? first.message : refusals.map(\.message).joined(separator: " Also: ")
        return .failsToMeetPolicy(SignatureRefusal(first.reason, message, path: first.path))
    }
}

@resultBuilder
public enum SignerPolicyBuilder {
    public static func buildExpression(_ policy: any SignerPolicy) -> [any SignerPolicy] { [policy] }
    public static func buildBlock(_ parts: [any SignerPolicy]...) -> [any SignerPolicy] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any SignerPolicy]?) -> [any SignerPolicy] { part ?? [] }
    public static func buildEither(first: [any SignerPolicy]) -> [any SignerPolicy] { first }
    public static func buildEither(second: [any SignerPolicy]) -> [any SignerPolicy] { second }
    public static func buildArray(_ parts: [[any SignerPolicy]]) -> [any SignerPolicy] { parts.flatMap { $0 } }
}
