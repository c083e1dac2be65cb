import Logging

/// A partner in soft revocation mode whose signer's status is unknown is accepted and logged:
/// once a minute per partner and reason, with how many more there were.
final class RevocationDoubts: Sendable {
    static let shared = RevocationDoubts()
    private let sampler = RefusalSampler(window: .seconds(60))
    private let logger = Logger(label: "gateway.revocation")

    func note(_ why: String, partner: String) {
        guard let suppressed = sampler.record("\(partner) \(why)") else { return }
        logger.warning("Accepted with the revocation status unknown (soft mode): \(why)",
                       metadata: ["partner.id": "\(partner)", "suppressed": "\(suppressed)"])
    }
}
