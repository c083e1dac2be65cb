import Foundation
import GatewayCore
import Signatures
import Store

/// The gateway's signed receipt for an accepted message: what was received (its digest), from
/// whom, under which key, and when — a JWS by the gateway's own key (ECDSA P-256 by default).
struct ReceiptMaker: Sendable {
    let signer: MessageSigner

    func receipt(for message: StoredMessage) throws(GatewayError) -> [UInt8] {
        struct Body: Encodable {
            let messageType = "Receipt"
            let gatewayMessageId: String
            let partner: String
            let receivedMessageType: String
            let idempotencyKey: String
            let digest: String
            let receivedAt: String
            let status: String
        }
        let body = Body(gatewayMessageId: message.id, partner: message.partner, receivedMessageType: message.messageType,
                        idempotencyKey: message.idempotencyKey, digest: "sha256:\(message.digest)",
                        receivedAt: VietnamTime.timestamp(message.createdAt), status: "ACCEPTED")
        guard let json = JSONBody.encode(body) else { throw GatewayError(.internalError, "The receipt cannot be written.") }
        return Array(try signer.jws.sign(payload: json).utf8)
    }
}
