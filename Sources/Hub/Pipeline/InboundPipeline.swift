import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// What happens to one message a partner posts, in order (DESIGN "Flow of one message"):
/// verify the signature against the partner's own trust → the signer and the message type are
/// the partner's (403 `NOT_ALLOWED`) → the spec (400 with every error, 409 for a rule) →
/// idempotency (200 with the first receipt, 409 `MESSAGE_ID_CONFLICT`) → the flow step →
/// everything stored in one transaction → 202 with the gateway's signed receipt.
public struct InboundPipeline: Sendable {
    public let specs: SpecRegistry
    public let partners: PartnerRegistry
    public let store: GatewayStore
    public let steps: [String: any FlowStep]
    let receipts: ReceiptMaker
    let signers: [String: MessageSigner]
    let translator: Translator
    let clock: any GatewayClock
    let ids: any MessageIdSource
    /// Called when a message was stored with messages to deliver (wakes the outbox worker).
    let onQueued: (@Sendable () -> Void)?

    public static let maximumBytes = 5 * 1024 * 1024

    public init(specs: SpecRegistry, partners: PartnerRegistry, store: GatewayStore, receiptSigner: MessageSigner,
                steps: [any FlowStep] = [LicenceApplicationStep(), LicenceDecisionStep()],
                clock: any GatewayClock = SystemClock(), ids: any MessageIdSource = RandomMessageIds(),
                onQueued: (@Sendable () -> Void)? = nil) throws(GatewayError) {
        self.specs = specs
        self.partners = partners
        self.store = store
        self.steps = Dictionary(steps.map { ($0.handles, $0) }, uniquingKeysWith: { first, _ in first })
        receipts = ReceiptMaker(signer: receiptSigner)
        var signers: [String: MessageSigner] = [:]
        for partner in partners.partners.values {
            guard let credentials = partner.signingKey else { continue }
            signers[partner.id] = try MessageSigner(keyFile: credentials.key, certificateFile: credentials.certificate, chainFile: credentials.chain)
        }
        self.signers = signers
        translator = Translator(registry: specs, clock: clock, ids: ids)
        self.clock = clock
        self.ids = ids
        self.onQueued = onQueued
    }

    public func receive(from partnerId: String, _ body: [UInt8]) async -> InboundAnswer {
        do {
            return try await process(partnerId, body)
        } catch {
            return .error(error)
        }
    }

    private func process(_ partnerId: String, _ body: [UInt8]) async throws(GatewayError) -> InboundAnswer {
        guard let partner = partners.partner(partnerId) else {
            throw GatewayError(ErrorCode("NOT_FOUND", httpStatus: 404), "There is no partner \(partnerId).", path: "partner")
        }
        guard body.count <= Self.maximumBytes else {
            throw GatewayError(.tooLarge, "The message is \(body.count) bytes; the limit is \(Self.maximumBytes) bytes.")
        }
        let now = clock.now()
        let verified = try SignedMessageVerifier(trust: partner.trust).verify(body, at: now)
        let signer = verified.signature.signer
        guard partner.acceptedSigners.accepts(signer) else {
            throw GatewayError(.notAllowed, "\(signer.subject) (sha256 \(signer.fingerprintSHA256)) is not an accepted signer of \(partner.id).")
        }
        let message = try specs.read(verified.content)
        guard partner.sends.contains(message.spec.key) else {
            throw GatewayError(.notAllowed, "\(partner.id) may not send \(message.spec.key) (it may send \(partner.sends.sorted().joined(separator: ", "))).")
        }
        guard let key = message.idempotencyKey, !key.isEmpty else {
            throw GatewayError(.schemaInvalid, "The message has no idempotency key at \(message.spec.idempotencyKey).")
        }
        let inboundId = ids.next()
        // A retransmission is answered before the flow runs again.
        if let first = try await store.inbound(partner: partner.id, idempotencyKey: key) {
            return try answer(toRepeated: first, digest: Digest.sha256Hex(body))
        }
        guard let step = steps[message.spec.key] else {
            throw GatewayError(ErrorCode("NOT_SUPPORTED", httpStatus: 501), "The gateway does not handle \(message.spec.key) yet.")
        }
        let context = FlowContext(specs: specs, translator: translator, partners: partners, store: store, now: now)
        let outcome = try await step.handle(message, signer: signer, from: partner, context: context)
        var outbound: [StoredMessage] = []
        for produced in outcome.produced {
            guard let signing = signers[produced.partner] else {
                throw GatewayError(.configurationInvalid, "The gateway has no signing key for \(produced.partner) (signWith in its partner file).")
            }
            let bytes = try signing.sign(produced.output.bytes)
            outbound.append(StoredMessage(
                id: produced.output.envelope.messageId ?? ids.next(), direction: .outbound, partner: produced.partner,
                messageType: produced.output.spec.key, idempotencyKey: produced.output.envelope.messageId ?? ids.next(),
                body: bytes, contentType: partners.partner(produced.partner)?.endpoint?.contentType ?? "application/octet-stream",
                businessKey: produced.businessKey, status: "PENDING", causedBy: inboundId, createdAt: now))
        }
        let inbound = StoredMessage(
            id: inboundId, direction: .inbound, partner: partner.id, messageType: message.spec.key, idempotencyKey: key,
            body: body, contentType: verified.format == .xml ? "application/xml; charset=utf-8" : "application/jose",
            record: String(decoding: JSONWriter.compact(message.record), as: UTF8.self), businessKey: outcome.businessKey,
            signer: signer.subject, status: "ACCEPTED", createdAt: now)
        let events = outcome.events.map {
            CaseEvent(kind: $0.kind, key: $0.key, event: $0.event, status: $0.status, partner: $0.partner,
                      messageId: inboundId, signer: $0.signer, at: $0.at)
        }
        let receipt = try receipts.receipt(for: inbound)
        var stored = inbound
        stored.receipt = receipt
        switch try await store.accept(stored, producing: outbound, events: events, conditions: outcome.conditions) {
        case .accepted:
            if !outbound.isEmpty { onQueued?() }
            return InboundAnswer(status: 202, contentType: "application/jose", body: receipt)
        case .duplicate(let first), .conflict(let first):
            // Another request with the same key was stored in between.
            return try answer(toRepeated: first, digest: inbound.digest)
        }
    }

    private func answer(toRepeated first: StoredMessage, digest: String) throws(GatewayError) -> InboundAnswer {
        guard first.digest == digest else {
            throw GatewayError(.messageIdConflict,
                               "The idempotency key \(first.idempotencyKey) was used by message \(first.id) with other content.")
        }
        return InboundAnswer(status: 200, contentType: "application/jose", body: first.receipt ?? [])
    }
}
