import Foundation
import GatewayCore
import MessageSpecs
import Signatures

/// What a kind of partner adds to the pipeline's common checks and answers: its own envelope
/// rules, read before the spec, and its own way of refusing (an ASEAN NSW gets a signed ACK
/// `REJECTED` rather than a JSON error body).
protocol PartnerConventions: Sendable {
    func check(_ content: [UInt8], signer: SignerIdentity, from partner: Partner, specs: SpecRegistry) throws(GatewayError)
    /// The refusal in the partner's format, or nil for the common JSON error body.
    func refusal(_ error: GatewayError, of body: [UInt8], from partner: Partner, context: FlowContext) -> InboundAnswer?
}

/// The conventions of each kind of partner that has its own.
enum Conventions {
    static func of(_ partner: Partner) -> (any PartnerConventions)? {
        partner.role == .aseanNSW ? AseanConventions() : nil
    }
}
