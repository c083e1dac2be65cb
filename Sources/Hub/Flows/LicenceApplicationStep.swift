import Foundation
import GatewayCore
import MessageSpecs
import Signatures

/// World §3 flow 1, step 1a: a trader's application from customs-core goes to MOIT as an
/// ImportLicenceApplication. The case becomes APPLIED when MOIT accepts the delivery.
public struct LicenceApplicationStep: FlowStep {
    public let handles = "customs-core/ImportApplication"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let application = try message.decode(LicenceApplication.self)
        let key = "application/\(application.applicationId)"
        let outputs = try context.translator.translate(message, to: "moit/ImportLicenceApplication")
        return FlowOutcome(businessKey: key, produced: outputs.map { ProducedMessage(partner: "moit", output: $0, businessKey: key) })
    }
}
