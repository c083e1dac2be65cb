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
        let key = "application/\(decision.applicationId)"
        let applications = context.partners.specs(of: partner, receiving: LicenceApplication.recordName, in: context.specs)
        guard let submitted = try await context.store.latestSent(types: applications, businessKey: key),
              submitted.state == .delivered else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_APPLICATION"),
                               "No application \(decision.applicationId) was submitted to and accepted by \(partner.id).",
                               path: message.spec.documentPath(ofField: "applicationId"))
        }
        // The application as customs filed it (1a copies it whole): its stored record, not the
        // signed XML sent to the authority parsed and validated once more.
        guard let causeType = submitted.causeType, let record = submitted.causeRecord else {
            throw GatewayError(.internalError, "The application \(decision.applicationId) sent to \(partner.id) has no stored cause.")
        }
        let application = try context.specs.stored(record: record, of: causeType).decode(LicenceApplication.self)
        let licenceCase = try await LicenceCase.load(.application, decision.applicationId, context: context)
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.decide(decision, application: application, status: licenceCase.status)
        }
        return try licenceCase.outcome(transition, number: nil, businessKey: key, partner: partner.id, signer: signer.subject, context: context)
    }
}
