import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 1a: a trader's application from customs goes to the licensing authority
/// for its licence type (MOIT's ImportLicenceApplication); the case becomes APPLIED when the
/// authority accepts the delivery. A new
/// application is submission 1; a re-submission comes only after SUPPLEMENT_REQUIRED, numbered
/// one more than the last — otherwise `SUBMISSION_OUT_OF_SEQUENCE` (customs-core README).
public struct LicenceApplicationStep: FlowStep {
    public let record = LicenceApplication.recordName
    public let sender = PartnerRole.customs
    public let routes = [FlowRoute(.role(.licensingAuthority), LicenceApplication.recordName, required: false) { !$0.licenceTypes.isEmpty }]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let application = try message.decode(LicenceApplication.self)
        let id = application.applicationId
        let key = CaseKind.application.businessKey(id)
        let applicationCase = try await TypedCase<ApplicationFacts>.load(.application, id, context: context)
        var facts = applicationCase.facts
        if applicationCase.exists, facts == nil {
            // A case of an earlier release: its last submission is the last one customs filed.
            facts = try await context.store.latestInbound(types: [message.spec.key], businessKey: key)?.record
                .map { record throws(GatewayError) in try context.specs.decode(LicenceApplication.self, fromRecord: record) }
                .map { ApplicationFacts(submitted: $0.submissionNo) }
        }
        let filing = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.file(application, exists: applicationCase.exists, status: applicationCase.status, facts: facts)
        }
        let produced = try context.translate(message, into: record, for: .licensingAuthority, businessKey: key) {
            $0.licenceTypes.contains(application.licenceType)
        }
        return FlowOutcome(businessKey: key, produced: produced, updates: [try applicationCase.update(filing.status, filing.facts)])
    }
}
