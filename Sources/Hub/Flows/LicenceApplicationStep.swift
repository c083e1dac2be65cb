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
        let key = "application/\(id)"
        let earlier = try await context.store.messages(.inbound, type: message.spec.key, businessKey: key)
        var last = 0
        for stored in earlier {
            guard let record = stored.record else { continue }
            last = max(last, try context.specs.decode(LicenceApplication.self, fromRecord: record).submissionNo)
        }
        let status = try await context.store.timeline(kind: .application, key: id)?.status
        let inSequence = earlier.isEmpty ? application.submissionNo == 1
                                         : status == .supplementRequired && application.submissionNo == last + 1
        guard inSequence else {
            throw GatewayError(ErrorCode(rawValue: "SUBMISSION_OUT_OF_SEQUENCE"),
                               earlier.isEmpty
                                   ? "Application \(id) is new: its submissionNo must be 1, not \(application.submissionNo)."
                                   : "Application \(id) takes submission \(last + 1) only after SUPPLEMENT_REQUIRED (it is \(status?.rawValue ?? "not yet applied")); this is submission \(application.submissionNo).",
                               path: message.spec.documentPath(ofField: "submissionNo"))
        }
        let produced = try context.translate(message, into: record, for: .licensingAuthority, businessKey: key) {
            $0.licenceTypes.contains(application.licenceType)
        }
        return FlowOutcome(businessKey: key, produced: produced,
                           conditions: [Reconsider.condition(kind: .application, key: id, status: status)],
                           counts: [Reconsider.count(.inbound, message.spec.key, about: key, is: earlier.count)])
    }
}
