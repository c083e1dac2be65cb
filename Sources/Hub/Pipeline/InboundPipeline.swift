import Foundation
import GatewayCore
import Logging
import Metrics
import MessageSpecs
import Signatures
import Store

/// What happens to one message a partner posts, in order (DESIGN "Flow of one message"):
/// verify the signature against the partner's own trust → the signer and the message type are
/// the partner's (403 `NOT_ALLOWED`) → the spec (400 with every error, 409 for a rule) →
/// idempotency (200 with the first receipt, 409 `MESSAGE_ID_CONFLICT`) → the flow step →
/// everything stored in one transaction → 202 with the gateway's signed receipt.
public struct InboundPipeline: Sendable {
    public let runtime: FlowRuntime
    let steps: [StepKey: any FlowStep]
    let receipts: ReceiptMaker
    /// The gateway's receipt key: what it signed is never an inbound message (nor what the
    /// partner files' signing keys signed: `PartnerConfiguration.Snapshot.ownSigners`).
    public let receiptKey: ReceiptKey
    /// A log line per partner and refused signer per minute, whatever their number.
    let signerRefusals = RefusalSampler(window: .seconds(60))
    /// An audit line per refused message (by its bytes) per hour: a replayed refusal is not stored again.
    let auditedRefusals = RefusalSampler(window: .seconds(3600))
    /// Called when a message was stored with messages to deliver (wakes the outbox worker).
    let onQueued: (@Sendable (_ partners: [String]) -> Void)?
    let metrics: any MetricsFactory
    let logger = Logger(label: "gateway.inbound")
    /// Closed while the audit seals cannot be time-stamped beyond the grace period.
    public let evidence = EvidenceHold()

    public static let maximumBytes = 5 * 1024 * 1024
    /// How often a step is run again when the case it decided on changed before it was stored:
    /// enough for dozens of messages about one case at once; the request's deadline bounds it too.
    static let reconsiderations = 64

    /// Refuses partner files that route a flow's records to a partner which does not receive them
    /// (`FlowRoutes.check`).
    public init(runtime: FlowRuntime, receiptSigner: MessageSigner, steps: [any FlowStep] = Flows.steps,
                onQueued: (@Sendable (_ partners: [String]) -> Void)? = nil, metrics: any MetricsFactory = MetricsSystem.factory) throws(GatewayError) {
        try FlowRoutes.check(steps, partners: runtime.partners, specs: runtime.specs)
        self.runtime = runtime
        self.metrics = metrics
        self.steps = Dictionary(steps.map { (StepKey(record: $0.record, role: $0.sender), $0) }, uniquingKeysWith: { first, _ in first })
        receiptKey = ReceiptKey(receiptSigner)
        receipts = ReceiptMaker(key: receiptKey)
        self.onQueued = onQueued
    }

    public init(specs: SpecRegistry, partners: PartnerRegistry, store: GatewayStore, receiptSigner: MessageSigner,
                steps: [any FlowStep] = Flows.steps, clock: any GatewayClock = SystemClock(), ids: any MessageIdSource = RandomMessageIds(),
                onQueued: (@Sendable (_ partners: [String]) -> Void)? = nil, metrics: any MetricsFactory = MetricsSystem.factory) throws(GatewayError) {
        try self.init(runtime: try FlowRuntime(specs: specs, partners: partners, store: store, clock: clock, ids: ids),
                  receiptSigner: receiptSigner, steps: steps, onQueued: onQueued, metrics: metrics)
    }

    /// Reads the partner files, their trust directories and CRLs again and puts them in force at
    /// once, for the messages that begin after; a configuration that does not load (a file, a
    /// certificate, a route of the flows) is refused whole with its file and line, and the one in
    /// force stays. The partners now in force.
    @discardableResult
    public func reloadPartners(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GatewayError) -> PartnerRegistry {
        let current = partners
        let next = try PartnerRegistry(directory: current.directory, specs: specs, environment: environment, revocation: current.revocation)
        try FlowRoutes.check(Array(steps.values), partners: next, specs: specs)
        try runtime.configuration.install(next)
        logger.notice("Partner files reloaded", metadata: ["partners": "\(next.partners.count)", "directory": "\(next.directory)"])
        return next
    }

    public var specs: SpecRegistry { runtime.specs }
    public var partners: PartnerRegistry { runtime.partners }
    public var store: GatewayStore { runtime.store }
    var clock: any GatewayClock { runtime.clock }
    var ids: any MessageIdSource { runtime.ids }

    func context(at now: Date) -> FlowContext { runtime.context(at: now) }

    /// Handles one message. `contentType` is the HTTP request's (empty when it had none); nil
    /// only for callers inside the process, which hand over bytes of a known format.
    public func receive(from partnerId: String, _ body: [UInt8], contentType: String? = nil) async -> InboundAnswer {
        let started = ContinuousClock.now
        let answer: InboundAnswer
        do {
            answer = try await process(partnerId, body, contentType: contentType)
        } catch {
            answer = refusal(error, from: partnerId, body: body)
        }
        return counted(answer, from: partnerId, since: started)
    }

    /// What the request line and headers alone decide — an unknown partner, another media type,
    /// a declared length over the limit — so that no body is read for it; nil to read the body.
    /// `clientCertificate`: the mutual TLS client certificate the request came over, if any.
    public func refusalBeforeBody(from partnerId: String, contentType: String, length: Int?,
                                  clientCertificate: SignerIdentity?) -> InboundAnswer? {
        let started = ContinuousClock.now
        do {
            let partner = try admissible(partnerId, contentType: contentType, length: length)
            try Self.checkTransport(of: partner, clientCertificate: clientCertificate)
            return nil
        } catch {
            return counted(refusal(error, from: partnerId, body: []), from: partnerId, since: started)
        }
    }

    private func counted(_ answer: InboundAnswer, from partnerId: String, since started: ContinuousClock.Instant) -> InboundAnswer {
        // Only configured partners name a series: a path typed by anyone must not add one.
        let partner = partners.partner(partnerId)?.id ?? "unknown"
        Counter(label: "gateway_messages_received_total", dimensions: [("partner", partner), ("status", String(answer.status))],
                factory: metrics).increment()
        Timer(label: "gateway_message_handling_seconds", dimensions: [("partner", partner)], factory: metrics)
            .record(duration: ContinuousClock.now - started)
        return answer
    }

    private func refusal(_ error: GatewayError, from partnerId: String, body: [UInt8]) -> InboundAnswer {
        let error = error.answered { incident, error in
            logger.error("Incident \(incident): a message from \(partnerId) failed: \(error)")
        }
        logger.log(level: error.httpStatus >= 500 ? .warning : .notice, "Message refused: \(error.message)",
                   metadata: ["partner.id": "\(partners.partner(partnerId)?.id ?? "unknown")", "refusal.code": "\(error.code.rawValue)",
                              "http.status": "\(error.httpStatus)"])
        if let partner = partners.partner(partnerId), let answer = Conventions.of(partner)?.refusal(error, of: body, from: partner, context: context(at: clock.now())) {
            return answer
        }
        return .error(error)
    }

    /// A partner whose file names client certificates sends only over mutual TLS with one of them:
    /// another partner's certificate, or none, is refused before the body is read.
    static func checkTransport(of partner: Partner, clientCertificate: SignerIdentity?) throws(GatewayError) {
        guard let required = partner.clientCertificates else { return }
        guard let clientCertificate else {
            throw GatewayError(.notAllowed, "\(partner.id) sends over mutual TLS with its client certificate; this request came without one.")
        }
        guard required.accepts(clientCertificate) else {
            throw GatewayError(.notAllowed, "The client certificate \(clientCertificate.subject) is not one of \(partner.id)'s.")
        }
    }

    private func admissible(_ partnerId: String, contentType: String?, length: Int?) throws(GatewayError) -> Partner {
        let configuration = runtime.configuration.snapshot
        guard let partner = configuration.partners.partner(partnerId) else {
            throw GatewayError(.notFound, "There is no partner \(partnerId).", path: "partner")
        }
        try evidence.check()
        if let contentType { try MediaTypes.check(contentType, for: partner, expected: configuration.mediaTypes[partner.id] ?? []) }
        if let length, length > Self.maximumBytes {
            throw GatewayError(.tooLarge, "The message is \(length) bytes; the limit is \(Self.maximumBytes) bytes.")
        }
        return partner
    }

    private func process(_ partnerId: String, _ body: [UInt8], contentType: String?) async throws(GatewayError) -> InboundAnswer {
        let partner = try admissible(partnerId, contentType: contentType, length: body.count)
        let now = clock.now()
        let verified: SignedMessageVerifier.VerifiedMessage
        var refusedSigner: SignerIdentity?
        do {
            verified = try SignedMessageVerifier(trust: partner.trust).verify(body, at: now) { signer throws(GatewayError) in
                do throws(GatewayError) {
                    try admit(signer, from: partner, at: now)
                } catch {
                    refusedSigner = signer
                    throw error
                }
            }
        } catch {
            if let refusedSigner, let unrecorded = signerRefusals.record("\(partner.id) \(refusedSigner.fingerprintSHA256)") {
                logger.warning("Refused a message to \(partner.id) signed by \(refusedSigner.subject) (sha256 \(refusedSigner.fingerprintSHA256)): \(error.message)\(unrecorded > 0 ? " \(unrecorded) more like it in the last minute were refused without a line." : "")",
                               metadata: ["partner.id": "\(partner.id)", "refusal.code": "\(error.code.rawValue)"])
            }
            throw error
        }
        // From here the sender is known: a refusal is recorded (only its audit line, no state).
        var refusal = Refusal(partner: partner.id, signer: verified.signature.signer.subject, digest: Digest.sha256Hex(body))
        do {
            return try await process(verified, body: body, from: partner, at: now, refusal: &refusal)
        } catch {
            if (400..<500).contains(error.code.httpStatus), auditedRefusals.record(refusal.digest) != nil {
                try? await store.recordRefusal(partner: refusal.partner, messageType: refusal.messageType, idempotencyKey: refusal.idempotencyKey,
                                               signer: refusal.signer, digest: refusal.digest, code: error.code.rawValue, at: now)
            }
            throw error
        }
    }

    /// What is known of a verified message when it is refused.
    struct Refusal {
        let partner: String
        let signer: String
        let digest: String
        var messageType: String?
        var idempotencyKey: String?
    }

    /// Whom a partner's messages may be signed by: checked before the signature of a JWS is, and
    /// never recorded in the audit chain (a replayed message would otherwise buy a line each time).
    private func admit(_ signer: SignerIdentity, from partner: Partner, at now: Date) throws(GatewayError) {
        if receiptKey.fingerprints.contains(signer.fingerprintSHA256) || runtime.configuration.snapshot.ownSigners.contains(signer.fingerprintSHA256) {
            throw GatewayError(.notAllowed, "\(signer.subject) is this gateway's own certificate: its receipts and messages are never taken as inbound.")
        }
        guard partner.acceptedSigners.accepts(signer, at: now) else {
            if let retiring = partner.acceptedSigners.retiring, now >= retiring.until,
               retiring.fingerprints.contains(AcceptedSigners.normalized(signer.fingerprintSHA256))
                || retiring.subjectPatterns.contains(where: { AcceptedSigners.matches(signer.subject, pattern: $0) }) {
                throw GatewayError(.notAllowed, "\(signer.subject) was retired as a signer of \(partner.id) on \(VietnamTime.timestamp(retiring.until)) (its partner file's signers.retiring).")
            }
            throw GatewayError(.notAllowed, "\(signer.subject) (sha256 \(signer.fingerprintSHA256)) is not an accepted signer of \(partner.id).")
        }
    }

    private func process(_ verified: SignedMessageVerifier.VerifiedMessage, body: [UInt8], from partner: Partner, at now: Date,
                         refusal: inout Refusal) async throws(GatewayError) -> InboundAnswer {
        let signer = verified.signature.signer
        try Conventions.of(partner)?.check(verified.content, signer: signer, from: partner, specs: specs)
        let message = try specs.read(verified.content)
        refusal.messageType = message.spec.key
        refusal.idempotencyKey = message.idempotencyKey
        guard partner.sends.contains(message.spec.key) else {
            throw GatewayError(.notAllowed, "\(partner.id) may not send \(message.spec.key) (it may send \(partner.sends.sorted().joined(separator: ", "))).")
        }
        guard let key = message.idempotencyKey, !key.isEmpty else {
            throw GatewayError(.schemaInvalid, "The message has no idempotency key at \(message.spec.idempotencyKey).")
        }
        let context = context(at: now)
        let step = steps[StepKey(record: message.spec.record, role: partner.role)]
        // A retransmission is answered before the flow runs again.
        if let first = try await store.inbound(partner: partner.id, idempotencyKey: key) {
            return try await answer(toRepeated: first, digest: refusal.digest, step: step, context: context)
        }
        guard let step else {
            throw GatewayError(ErrorCode("NOT_SUPPORTED", httpStatus: 501), "The gateway does not handle \(message.spec.key) from a \(partner.role.rawValue) yet.")
        }
        let inboundId = ids.next()
        var attempt = 1
        while true {
            do {
                return try await accept(message, body: body, id: inboundId, key: key, verified: verified, from: partner, step: step, context: context)
            } catch {
                // The same message sent again while this one was decided (a client that timed
                // out and retried) may have been stored first; the case it changed then refuses
                // this one. The sender gets the first one's receipt, not a refusal of a stored message.
                if let first = try await store.inbound(partner: partner.id, idempotencyKey: key) {
                    return try await answer(toRepeated: first, digest: refusal.digest, step: step, context: context)
                }
                guard error.code == .caseChanged && attempt < Self.reconsiderations else { throw error }
                attempt += 1
                // Another message about the case was stored first: decide again on the case as it
                // now is, after a pause that spreads out a crowd of them (many declarations
                // drawing on one licence at once), so that each round lets one more through.
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...(250 * min(attempt, 40)))))
            }
        }
    }

    private func accept(_ message: ReadMessage, body: [UInt8], id inboundId: String, key: String, verified: SignedMessageVerifier.VerifiedMessage,
                        from partner: Partner, step: any FlowStep, context: FlowContext) async throws(GatewayError) -> InboundAnswer {
        let signer = verified.signature.signer
        let outcome = try await step.handle(message, signer: signer, from: partner, context: context)
        if let refusal = message.refusalAfterCase { throw refusal }
        var outbound: [StoredMessage] = []
        for produced in outcome.produced {
            outbound.append(try context.outbound.stored(produced, causedBy: inboundId, at: context.now))
        }
        var inbound = StoredMessage(
            id: inboundId, direction: .inbound, partner: partner.id, messageType: message.spec.key, idempotencyKey: key,
            body: body, contentType: verified.format == .xml ? "application/xml; charset=utf-8" : "application/jose",
            record: String(decoding: JSONWriter.compact(message.record), as: UTF8.self), businessKey: outcome.businessKey,
            signer: signer.subject, status: .accepted, createdAt: context.now)
        let answer: SynchronousAnswer
        if let own = outcome.answer {
            answer = own
        } else {
            answer = SynchronousAnswer(contentType: "application/jose", body: try receipts.receipt(for: inbound))
        }
        inbound.receipt = answer.body
        let events = outcome.events.map { $0.caused(by: inboundId) }
        switch try await store.accept(inbound, producing: outbound, events: events, updates: outcome.updates, items: outcome.items) {
        case .accepted:
            if !outbound.isEmpty { onQueued?(outbound.map(\.partner)) }
            for event in events { logger.info("Case changed", metadata: event.logFields.mapValues { .string($0) }) }
            logger.info("Message accepted", metadata: [
                "message.id": "\(inboundId)", "partner.id": "\(partner.id)", "message.type": "\(message.spec.key)",
                "idempotency.key": "\(key)", "business.key": "\(outcome.businessKey ?? "")",
                "queued": "\(outbound.map { "\($0.id) for \($0.partner)" }.joined(separator: ", "))"])
            return InboundAnswer(status: 202, contentType: answer.contentType, body: answer.body)
        case .duplicate(let first), .conflict(let first):
            // Another request with the same key was stored in between.
            return try await self.answer(toRepeated: first, digest: inbound.digest, step: step, context: context)
        }
    }

    private func answer(toRepeated first: StoredMessage, digest: String, step: (any FlowStep)?,
                        context: FlowContext) async throws(GatewayError) -> InboundAnswer {
        guard first.digest == digest else {
            throw GatewayError(.messageIdConflict,
                               "The idempotency key \(first.idempotencyKey) was used by message \(first.id) with other content.")
        }
        try await step?.retransmitted(first, context: context)
        logger.info("Retransmission answered with the first receipt", metadata: [
            "message.id": "\(first.id)", "partner.id": "\(first.partner)", "message.type": "\(first.messageType)",
            "idempotency.key": "\(first.idempotencyKey)"])
        let receipt = first.receipt ?? []
        return InboundAnswer(status: 200, contentType: SynchronousAnswer.contentType(of: receipt), body: receipt)
    }
}

extension SynchronousAnswer {
    /// The content type of a stored answer: an ASEAN ACK is XML, a BIDV result JSON, the gateway's receipt a JWS.
    static func contentType(of body: [UInt8]) -> String {
        switch body.first {
        case UInt8(ascii: "<"): "application/xml; charset=utf-8"
        case UInt8(ascii: "{"): "application/json"
        default: "application/jose"
        }
    }
}
