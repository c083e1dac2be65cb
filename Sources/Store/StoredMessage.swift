import Foundation
import GatewayCore

/// Which way a message went through the gateway.
public enum MessageDirection: String, Sendable, Codable {
    case inbound, outbound
}

/// Where a message stands in the message log: an inbound one is accepted once stored; an
/// outbound one follows its delivery (`OutboxState`).
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case accepted = "ACCEPTED"
    case pending = "PENDING"
    case delivering = "DELIVERING"
    case delivered = "DELIVERED"
    /// Refused by the partner for good.
    case failed = "FAILED"
    /// Dead-lettered: waits for an operator's replay.
    case dead = "DEAD"

    public init(_ delivery: OutboxState) {
        switch delivery {
        case .pending: self = .pending
        case .delivering: self = .delivering
        case .delivered: self = .delivered
        case .failed: self = .failed
        case .dead: self = .dead
        }
    }
}

/// One message as the store keeps it: the exact bytes, their digest, who and what it is, and
/// the canonical record read from it (inbound) or rendered into it (outbound).
public struct StoredMessage: Sendable, Equatable {
    public let id: String
    public let direction: MessageDirection
    public let partner: String
    /// `partner/type` of its spec.
    public let messageType: String
    public let idempotencyKey: String
    /// SHA-256 of `body`, lowercase hex.
    public let digest: String
    public let body: [UInt8]
    public let contentType: String
    /// The canonical record as JSON, when there is one.
    public let record: String?
    /// The business object it is about (application, licence, tax notice …), for ordering.
    public let businessKey: String?
    /// The verified signer's subject (inbound).
    public let signer: String?
    public var status: MessageStatus
    /// The receipt the gateway answered with (inbound) or the partner's answer (outbound).
    public var receipt: [UInt8]?
    /// The inbound message an outbound one was produced from.
    public let causedBy: String?
    public let createdAt: Date

    public init(id: String, direction: MessageDirection, partner: String, messageType: String, idempotencyKey: String,
                body: [UInt8], contentType: String, record: String? = nil, businessKey: String? = nil, signer: String? = nil,
                status: MessageStatus, receipt: [UInt8]? = nil, causedBy: String? = nil, createdAt: Date) {
        self.init(id: id, direction: direction, partner: partner, messageType: messageType, idempotencyKey: idempotencyKey,
                  digest: Digest.sha256Hex(body), body: body, contentType: contentType, record: record, businessKey: businessKey,
                  signer: signer, status: status, receipt: receipt, causedBy: causedBy, createdAt: createdAt)
    }

    init(id: String, direction: MessageDirection, partner: String, messageType: String, idempotencyKey: String, digest: String,
         body: [UInt8], contentType: String, record: String?, businessKey: String?, signer: String?, status: MessageStatus,
         receipt: [UInt8]?, causedBy: String?, createdAt: Date) {
        self.id = id
        self.direction = direction
        self.partner = partner
        self.messageType = messageType
        self.idempotencyKey = idempotencyKey
        self.digest = digest
        self.body = body
        self.contentType = contentType
        self.record = record
        self.businessKey = businessKey
        self.signer = signer
        self.status = status
        self.receipt = receipt
        self.causedBy = causedBy
        self.createdAt = createdAt
    }
}
