import Foundation
import GatewayCore
import Hub
import Hummingbird
import Logging
import NIOCore
import Store

/// `GET /v1/messages/{id}`: a stored message with its delivery attempts;
/// `POST /v1/admin/dead-letters/{id}/replay` (bearer admin token): puts a dead letter back in
/// the outbox, to be sent again with the identical bytes.
struct MessageRoutes {
    let store: GatewayStore
    /// No token configured: replays are refused (403), never open.
    let adminToken: String?
    let onReplay: (@Sendable () -> Void)?

    struct MessageView: Encodable {
        let id: String
        let direction: String
        let partner: String
        let messageType: String
        let idempotencyKey: String
        let digest: String
        let status: String
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

    func register(on router: Router<BasicRequestContext>) {
        router.get("v1/messages/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            do {
                guard let message = try await store.message(id) else {
                    return JSONAnswer.error(GatewayError(ErrorCode("NOT_FOUND", httpStatus: 404), "No message \(id) is stored."))
                }
                let attempts = try await store.attempts(of: id).map {
                    AttemptView(attempt: $0.attempt, startedAt: VietnamTime.timestamp($0.startedAt), durationMs: $0.durationMilliseconds,
                                httpStatus: $0.httpStatus, outcome: $0.outcome, error: $0.error)
                }
                let view = MessageView(id: message.id, direction: message.direction.rawValue, partner: message.partner,
                                       messageType: message.messageType, idempotencyKey: message.idempotencyKey,
                                       digest: "sha256:\(message.digest)", status: message.status, signer: message.signer,
                                       businessObject: message.businessKey, causedBy: message.causedBy,
                                       createdAt: VietnamTime.timestamp(message.createdAt),
                                       outbox: try await store.outboxState(of: id)?.rawValue, attempts: attempts)
                return JSONAnswer.ok(view)
            } catch {
                return JSONAnswer.error(error.asGatewayError, logger: context.logger)
            }
        }
        router.post("v1/admin/dead-letters/:id/replay") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard let adminToken, request.headers[.authorization] == "Bearer \(adminToken)" else {
                return JSONAnswer.error(GatewayError(.notAllowed, adminToken == nil
                    ? "Replays are disabled: the gateway was started without an admin token (GATEWAY_ADMIN_TOKEN)."
                    : "The admin token is missing or wrong (Authorization: Bearer …)."))
            }
            do {
                try await store.replay(id, at: Date())
                onReplay?()
                return JSONAnswer.ok(["id": id, "status": "pending"], status: .accepted)
            } catch {
                return JSONAnswer.error(error.asGatewayError, logger: context.logger)
            }
        }
    }
}

/// JSON answers of the HTTP API, errors in world §1.3's shape.
enum JSONAnswer {
    static func ok(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONBody.encode(value) ?? []
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: GatewayError) -> Response {
        PartnerMessageRoutes.response(.error(error))
    }

    /// An error that may be a 500: its text goes to the log under an incident number, not to the client.
    static func error(_ error: GatewayError, logger: Logger) -> Response {
        self.error(error.answered { incident, error in logger.error("Incident \(incident): \(error)") })
    }
}
