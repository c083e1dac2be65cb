import COpenSSL
import Foundation

/// The signer's certificate allows signing: its keyUsage, when present, includes
/// digitalSignature or nonRepudiation (RFC 5280: an absent extension restricts nothing).
public struct KeyUsagePolicy: SignerPolicy {
    public init() {}

    public func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
        guard let usage = chain.signer.keyUsage else { return .meetsPolicy }
        if usage & UInt32(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) != 0 { return .meetsPolicy }
        return .failsToMeetPolicy(SignatureRefusal(.keyUsageNotAllowed,
            "The signer certificate \(chain.signer.subject) does not allow signing: its key usage has neither digitalSignature nor nonRepudiation.",
            path: "certificate"))
    }
}
