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
    public let record = LicenceDecision.recordName
    public let sender = PartnerRole.licensingAuthority
    public let routes = [FlowRoute(.role(.customs), Licence.recordName)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let decision = try message.decode(LicenceDecision.self)
        let key = CaseKind.application.businessKey(decision.applicationId)
        var licenceCase = try await LicenceCase.load(.application, decision.applicationId, context: context)
        // The outbox says whether the authority took the last submission: one indexed lookup.
        let application = try await Self.submitted(decision, message: message, by: partner, context: context)
        if licenceCase.application == nil { licenceCase = licenceCase.with(application: ApplicationFacts(submitted: application.submissionNo)) }
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.decide(decision, application: application, status: licenceCase.status)
        }
        return try licenceCase.outcome(transition, number: nil, businessKey: key, partner: partner.id, signer: signer.subject, context: context)
    }

    static func unknown(_ decision: LicenceDecision, _ message: ReadMessage, _ partner: Partner) -> GatewayError {
        GatewayError(ErrorCode(rawValue: "UNKNOWN_APPLICATION"), "No application \(decision.applicationId) was submitted to and accepted by \(partner.id).",
                     path: message.spec.documentPath(ofField: "applicationId"))
    }

    /// The last application sent to the authority, if it took it, as customs filed it (its stored
    /// record, not the signed XML sent parsed and validated again).
    static func submitted(_ decision: LicenceDecision, message: ReadMessage, by partner: Partner,
                          context: FlowContext) async throws(GatewayError) -> LicenceApplication {
        let types = context.partners.specs(of: partner, receiving: LicenceApplication.recordName, in: context.specs)
        guard let submitted = try await context.store.latestSent(types: types, businessKey: CaseKind.application.businessKey(decision.applicationId)),
              submitted.state == .delivered else { throw unknown(decision, message, partner) }
        guard let causeType = submitted.causeType, let record = submitted.causeRecord else {
            throw GatewayError(.internalError, "The application \(decision.applicationId) sent to \(partner.id) has no stored cause.")
        }
        return try context.specs.stored(record: record, of: causeType).decode(LicenceApplication.self)
    }
}
