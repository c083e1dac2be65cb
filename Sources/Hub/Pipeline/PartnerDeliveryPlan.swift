import Delivery
import Foundation
import GatewayCore
import Logging
import Store

/// Delivery as the partner files say: each partner's endpoint, TLS and timeouts, its retry
/// policy — and what a partner's final answer causes, decided by the flows' delivery steps.
public struct PartnerDeliveryPlan: DeliveryPlan {
    public let runtime: FlowRuntime
    let logger: Logger

    public init(runtime: FlowRuntime, logger: Logger = Logger(label: "gateway.delivery")) {
        self.runtime = runtime
        self.logger = logger
    }

    var partners: PartnerRegistry { runtime.partners }

    public var receivers: [String] { partners.partners.keys.sorted() }

    public func request(for message: StoredMessage) -> HTTPPoster.Request? {
        guard let endpoint = partners.partner(message.partner)?.endpoint else { return nil }
        return HTTPPoster.Request(url: endpoint.url, contentType: endpoint.contentType, body: message.body,
                                  clientCertificate: endpoint.clientCertificate, clientKey: endpoint.clientKey,
                                  clientKeyPassphrase: endpoint.clientKeyPassphrase,
                                  serverCA: endpoint.serverCA, connectTimeout: endpoint.connectTimeout, totalTimeout: endpoint.totalTimeout)
    }

    public func retryDelay(for message: StoredMessage, afterAttempt attempt: Int, elapsed: TimeInterval) -> TimeInterval? {
        (partners.partner(message.partner)?.retry ?? .world).delay(after: attempt, elapsed: elapsed)
    }

    public func consequences(of outcome: DeliveryOutcome, for message: StoredMessage, at time: Date) async throws(GatewayError) -> DeliveryConsequences {
        guard let record = runtime.specs.spec(message.messageType)?.spec.record, let receiver = partners.partner(message.partner),
              let step = runtime.deliverySteps[StepKey(record: record, role: receiver.role)] else { return DeliveryConsequences() }
        let answer: DeliveryAnswer
        switch outcome {
        case .delivered(let status, let body): answer = DeliveryAnswer(accepted: true, httpStatus: status, body: body)
        case .failed(let status, _, let body): answer = DeliveryAnswer(accepted: false, httpStatus: status, body: body)
        case .retry, .deadLetter: return DeliveryConsequences()
        }
        let context = runtime.context(at: time)
        do {
            let outcome = try await step.delivered(message, answer: answer, context: context)
            var followUps: [StoredMessage] = []
            for produced in outcome.produced {
                followUps.append(try context.outbound.stored(produced, causedBy: message.id, at: time))
            }
            return DeliveryConsequences(events: outcome.events.map { $0.messageId == nil ? $0.caused(by: message.id) : $0 },
                                        updates: outcome.updates, followUps: followUps)
        } catch where error.code == .storeUnavailable {
            throw error
        } catch {
            // The delivery itself is recorded; what should have followed is for an operator.
            logger.error("What follows the answer to \(message.id) (\(message.messageType)) failed: \(error)")
            return DeliveryConsequences()
        }
    }
}
