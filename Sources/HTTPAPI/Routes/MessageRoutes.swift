import Access
import Foundation
import GatewayCore
import Hub
import Hummingbird
import Logging
import NIOCore
import Store

/// `GET /v1/messages/{id}`: a stored message with its delivery attempts. A partner credential
/// reads only the messages its partner sent or was sent; any other is "not found" to it.
struct MessageRoutes {
    let store: GatewayStore

    struct MessageView: Encodable {
        let id: String
        let direction: String
        let partner: String
        let messageType: String
        let idempotencyKey: String
        let digest: String
        let status: MessageStatus
        let signer: String?
        let businessObject: String?
        let causedBy: String?
        let createdAt: String
        let outbox: String?
        let attempts: [AttemptView]
    }

    struct AttemptView: Encodable {
        let attempt: Int
        let startedAt: String
        let durationMs: Int64
        let httpStatus: Int?
        let outcome: String
        let error: String?
    }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("v1/messages/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            do {
                guard let message = try await store.message(id), context.caller?.mayRead(partner: message.partner) == true else {
                    return JSONAnswer.error(GatewayError(.notFound, "No message \(id) is stored."))
                }
                let attempts = try await store.attempts(of: id).map {
                    AttemptView(attempt: $0.attempt, startedAt: VietnamTime.timestamp($0.startedAt), durationMs: $0.durationMilliseconds,
                                httpStatus: $0.httpStatus, outcome: $0.outcome, error: $0.error)
                }
                let outbox = try await store.outboxState(of: id)
                let view = MessageView(id: message.id, direction: message.direction.rawValue, partner: message.partner,
                                       messageType: message.messageType, idempotencyKey: message.idempotencyKey,
                                       digest: "sha256:\(message.digest)", status: outbox.map(MessageStatus.init) ?? message.status, signer: message.signer,
                                       businessObject: message.businessKey, causedBy: message.causedBy,
                                       createdAt: VietnamTime.timestamp(message.createdAt),
                                       outbox: outbox?.rawValue, attempts: attempts)
                return JSONAnswer.ok(view)
            } catch {
                return JSONAnswer.error(error.asGatewayError, logger: context.logger)
            }
        }
    }
}
