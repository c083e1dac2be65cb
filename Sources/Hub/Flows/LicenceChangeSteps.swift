import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 6 (table 1c): an amendment becomes the licence's next LicenceRecord
/// (`LicenceLifecycle.amend`).
public struct LicenceAmendmentStep: FlowStep {
    public let record = LicenceAmendment.recordName
    public let sender = PartnerRole.licensingAuthority
    public let routes = [FlowRoute(.role(.customs), Licence.recordName)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let amendment = try message.decode(LicenceAmendment.self)
        let licenceCase = try await LicenceCase.find(amendment.licenceNumber, context: context)
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.amend(amendment, status: licenceCase?.status, facts: licenceCase?.facts, today: VietnamTime.date(context.now))
        }
        return try LicenceCase.changed(licenceCase, by: transition, number: amendment.licenceNumber, partner: partner.id, signer: signer, context: context)
    }
}

/// World §3 flow 1, step 7 (table 1d): a revocation becomes the licence's last LicenceRecord,
/// `REVOKED`, and the case is REVOKED for good (`LicenceLifecycle.revoke`).
public struct LicenceRevocationStep: FlowStep {
    public let record = LicenceRevocation.recordName
    public let sender = PartnerRole.licensingAuthority
    public let routes = [FlowRoute(.role(.customs), Licence.recordName)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let revocation = try message.decode(LicenceRevocation.self)
        let licenceCase = try await LicenceCase.find(revocation.licenceNumber, context: context)
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.revoke(revocation, facts: licenceCase?.facts)
        }
        return try LicenceCase.changed(licenceCase, by: transition, number: revocation.licenceNumber, partner: partner.id, signer: signer, context: context)
    }
}

extension LicenceCase {
    /// The outcome of a change a lifecycle accepted for a licence found by its number.
    static func changed(_ licenceCase: LicenceCase?, by transition: LicenceLifecycle.Transition, number: String, partner: String,
                        signer: SignerIdentity, context: FlowContext) throws(GatewayError) -> FlowOutcome {
        guard let licenceCase else { throw GatewayError(.internalError, "A change was accepted for licence \(number), which has no case.") }
        return try licenceCase.outcome(transition, number: number, businessKey: businessKey(number), partner: partner,
                                       signer: signer.subject, context: context)
    }
}
