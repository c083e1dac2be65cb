import Foundation
import GatewayCore
import Signatures
import Store
import Synchronization

/// The gateway's signed receipt for an accepted message: what was received (its digest), from
/// whom, under which key, and when — a JWS by the gateway's own key (ECDSA P-256 by default).
struct ReceiptMaker: Sendable {
    let key: ReceiptKey

    func receipt(for message: StoredMessage) throws(GatewayError) -> [UInt8] {
        struct Body: Encodable {
            let messageType = "Receipt"
            let gatewayMessageId: String
            let partner: String
            let receivedMessageType: String
            let idempotencyKey: String
            let digest: String
            let receivedAt: String
            let status: MessageStatus
        }
        let body = Body(gatewayMessageId: message.id, partner: message.partner, receivedMessageType: message.messageType,
                        idempotencyKey: message.idempotencyKey, digest: "sha256:\(message.digest)",
                        receivedAt: VietnamTime.timestamp(message.createdAt), status: message.status)
        guard let json = JSONBody.encode(body) else { throw GatewayError(.internalError, "The receipt cannot be written.") }
        return Array(try key.signer.jws.sign(payload: json).utf8)
    }
}

/// The gateway's receipt key in force: replaced whole by a reload (a rotation), read by every
/// receipt and seal after it. The certificates it signed with before stay the gateway's own: a
/// message signed by one is never taken as a partner's.
public final class ReceiptKey: Sendable {
    private let state: Mutex<(signer: MessageSigner, fingerprints: Set<String>)>

    public init(_ signer: MessageSigner) {
        state = Mutex((signer, [signer.fingerprint]))
    }

    public var signer: MessageSigner { state.withLock { $0.signer } }

    /// Every receipt certificate this process has signed with.
    public var fingerprints: Set<String> { state.withLock { $0.fingerprints } }

    public func replace(with signer: MessageSigner) {
        state.withLock {
            $0.signer = signer
            $0.fingerprints.insert(signer.fingerprint)
        }
    }
}
