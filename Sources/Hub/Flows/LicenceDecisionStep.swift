import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 1b: MOIT's decision on an application the NSW submitted. An approval
/// becomes the licence's first LicenceRecord for customs-core; every decision moves the case.
/// Refused, changing nothing: a decision on an application MOIT never accepted from the NSW
/// (`UNKNOWN_APPLICATION`), a second final decision (`DECISION_ALREADY_FINAL`).
public struct LicenceDecisionStep: FlowStep {
    public let handles = "moit/LicenceDecision"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let decision = try message.decode(LicenceDecision.self)
        let key = "application/\(decision.applicationId)"
        guard let submitted = try await context.store.latestSent(type: "moit/ImportLicenceApplication", businessKey: key),
              submitted.state == .delivered else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_APPLICATION"),
                               "No application \(decision.applicationId) was submitted to and accepted by MOIT.", path: "/LicenceDecision/ApplicationId")
        }
        // Decided only while MOIT may still decide: after APPLIED or SUPPLEMENT_REQUIRED.
        let open = CaseCondition(kind: "application", key: decision.applicationId, allowed: [nil, "APPLIED", "SUPPLEMENT_REQUIRED"],
                                 refusal: GatewayError(ErrorCode(rawValue: "DECISION_ALREADY_FINAL"),
                                                       "Application \(decision.applicationId) already has a final decision.",
                                                       path: "/LicenceDecision/Decision"))
        let event = CaseEvent(kind: "application", key: decision.applicationId, event: "decision", status: decision.decision,
                              partner: partner.id, messageId: nil, signer: signer.subject, at: context.now,
                              detail: decision.licenceNumber.map { "licence \($0)" } ?? decision.reason)
        guard decision.decision == "APPROVED", let number = decision.licenceNumber else {
            return FlowOutcome(businessKey: key, events: [event], conditions: [open])
        }
        // The application as customs-core filed it (1a copies it whole): its stored record, not
        // the signed XML sent to MOIT parsed and validated once more.
        guard let causeType = submitted.causeType, let record = submitted.causeRecord else {
            throw GatewayError(.internalError, "The application \(decision.applicationId) sent to MOIT has no stored cause.")
        }
        let application = try context.specs.stored(record: record, of: causeType)
        let outputs = try context.translator.translate(message, to: "customs-core/LicenceRecord",
                                                       inputs: Translator.Inputs(context: [application]))
        let licenceKey = "licence/\(number)"
        return FlowOutcome(businessKey: key,
                           produced: outputs.map { ProducedMessage(partner: "customs-core", output: $0, businessKey: licenceKey) },
                           events: [event], conditions: [open])
    }
}
