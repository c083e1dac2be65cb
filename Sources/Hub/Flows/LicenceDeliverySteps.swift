import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §1.5: the licensing authority answering 202 to an application makes the case APPLIED.
public struct ApplicationDeliveredStep: DeliveryStep {
    public let record = LicenceApplication.recordName
    public let receiver = PartnerRole.licensingAuthority

    public init() {}

    public func delivered(_ message: StoredMessage, answer: DeliveryAnswer, context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        guard answer.accepted, let key = message.businessKey, let id = CaseKind.application.key(inBusinessKey: key) else {
            return FlowOutcome(businessKey: nil)
        }
        // A change of status alone: the facts stay as they are, unread.
        let version = try await context.store.storedCase(kind: .application, key: id)?.version ?? 0
        let transition = LicenceLifecycle.applied(facts: nil)
        return FlowOutcome(businessKey: key,
                           events: transition.events(of: .application, id, by: message.partner, signer: nil, messageId: message.id, at: context.now),
                           updates: [CaseUpdate(kind: .application, key: id, expectedVersion: version, status: transition.status, facts: nil)])
    }
}

/// World §1.5: customs answering 202 to a licence's first LicenceRecord makes the case — the
/// MOIT application or the MARD permit — DELIVERED_TO_CUSTOMS.
public struct LicenceRecordDeliveredStep: DeliveryStep {
    public let record = Licence.recordName
    public let receiver = PartnerRole.customs

    public init() {}

    public func delivered(_ message: StoredMessage, answer: DeliveryAnswer, context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        guard answer.accepted else { return FlowOutcome(businessKey: nil) }
        let sent = try context.record(Licence.self, of: message)
        // Only the first record moves the case: a later one's answer reads no case.
        guard sent.recordVersion == 1 else { return FlowOutcome(businessKey: nil) }
        let number = sent.licenceNumber
        guard let licenceCase = try await LicenceCase.find(number, context: context),
              let transition = LicenceLifecycle.delivered(recordVersion: sent.recordVersion, status: licenceCase.status, facts: licenceCase.facts) else {
            return FlowOutcome(businessKey: nil)
        }
        return try licenceCase.outcome(transition, number: number, businessKey: message.businessKey, partner: message.partner, signer: nil,
                                       messageId: message.id, context: context)
    }
}
