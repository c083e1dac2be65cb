import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flows 4 and 5: a ministry's permits (MARD's phytosanitary, MOH's food-safety), each a
/// permit case keyed by its number (`LicenceLifecycle.permit`): issued, changed and revoked
/// permits become LicenceRecords for customs; a refused one is REJECTED and sends nothing, and
/// stays trackable by its number.
public struct PermitStep: FlowStep {
    public let record = Permit.recordName
    public let sender = PartnerRole.licensingAuthority
    public let routes = [FlowRoute(.role(.customs), Licence.recordName)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let permit = try message.decode(Permit.self)
        let number = permit.permitNumber
        let permitCase = try await LicenceCase.load(.permit, number, context: context)
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.permit(permit, status: permitCase.status, facts: permitCase.facts, today: VietnamTime.date(context.now))
        }
        return try permitCase.outcome(transition, number: number, businessKey: LicenceCase.businessKey(number), partner: partner.id,
                                      signer: signer.subject, context: context)
    }
}

/// World §3 flow 4, 4b: a quarantine inspection result, recorded against its permit (and
/// declaration) and not forwarded. `UNKNOWN_PERMIT` for a permit never received as ISSUED.
public struct QuarantineResultStep: FlowStep {
    public let record = QuarantineResult.recordName
    public let sender = PartnerRole.licensingAuthority

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let result = try message.decode(QuarantineResult.self)
        let number = result.permitNumber
        let permitCase = try await LicenceCase.load(.permit, number, context: context)
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.quarantineResult(result, status: permitCase.status, facts: permitCase.facts)
        }
        return try permitCase.outcome(transition, number: number, businessKey: LicenceCase.businessKey(number), partner: partner.id,
                                      signer: signer.subject, context: context)
    }
}
