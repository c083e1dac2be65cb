import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 5 (table 1e): customs-core reports what a cleared declaration drew on a
/// licence or permit; the case keeps the cumulative quantity per line (`LicenceLifecycle.use`).
/// The step reads one case row and asks one question (was the declaration counted?), however
/// many usages the licence had.
public struct LicenceUsageStep: FlowStep {
    public let record = LicenceUsage.recordName
    public let sender = PartnerRole.customs

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let usage = try message.decode(LicenceUsage.self)
        let licenceCase = try await LicenceCase.find(usage.licenceNumber, context: context)
        var counted = false
        if let licenceCase { counted = try await context.store.counts(licenceCase.counted(usage.declarationNumber)) }
        let transition = try deciding(message) { () throws(GatewayError) in
            try LicenceLifecycle.use(usage, status: licenceCase?.status, facts: licenceCase?.facts, declarationCounted: counted)
        }
        return try LicenceCase.changed(licenceCase, by: transition, number: usage.licenceNumber, partner: partner.id, signer: signer, context: context)
    }
}
