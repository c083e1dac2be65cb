import Delivery
import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// Delivery as the partner files say: each partner's endpoint, TLS and timeouts, its retry
/// policy, and the case statuses world §1.5 sets when a partner accepts a delivery
/// (`APPLIED` when MOIT takes an application, `DELIVERED_TO_CUSTOMS` when customs-core takes the
/// first LicenceRecord).
public struct PartnerDeliveryPlan: DeliveryPlan {
    public let partners: PartnerRegistry

    public init(partners: PartnerRegistry) {
        self.partners = partners
    }

    public func request(for message: StoredMessage) -> HTTPPoster.Request? {
        guard let endpoint = partners.partner(message.partner)?.endpoint else { return nil }
        return HTTPPoster.Request(url: endpoint.url, contentType: endpoint.contentType, body: message.body,
                                  clientCertificate: endpoint.clientCertificate, clientKey: endpoint.clientKey,
                                  serverCA: endpoint.serverCA, connectTimeout: endpoint.connectTimeout, totalTimeout: endpoint.totalTimeout)
    }

    public func retryDelay(for message: StoredMessage, afterAttempt attempt: Int, elapsed: TimeInterval) -> TimeInterval? {
        (partners.partner(message.partner)?.retry ?? .world).delay(after: attempt, elapsed: elapsed)
    }

    public func events(onDelivering message: StoredMessage, at time: Date) async -> [CaseEvent] {
        switch message.messageType {
        case "moit/ImportLicenceApplication":
            guard let key = message.businessKey, key.hasPrefix("application/") else { return [] }
            return [CaseEvent(kind: "application", key: String(key.dropFirst("application/".count)), event: "applied",
                              status: "APPLIED", partner: message.partner, messageId: message.id, signer: nil, at: time)]
        case "customs-core/LicenceRecord":
            guard let payload = try? UnverifiedPayload.of(String(decoding: message.body, as: UTF8.self)),
                  let record = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                  (record["recordVersion"] as? Int) == 1, let application = record["applicationId"] as? String else { return [] }
            return [CaseEvent(kind: "application", key: application, event: "delivered-to-customs", status: "DELIVERED_TO_CUSTOMS",
                              partner: message.partner, messageId: message.id, signer: nil, at: time)]
        default:
            return []
        }
    }
}
