import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 3, outbound step 1–2: a certificate a ministry issued goes as a Form D to the
/// NSW of the importing country, when that NSW is connected (a partner of kind `asean` for the
/// country that receives certificates); otherwise the certificate is `NOT_ROUTABLE` and nothing is sent. A routed certificate
/// has no status until the partner NSW answers (world §1.5 has none for a Form D on its way). A
/// certificate number accepted before under another MessageId is `DUPLICATE_CERTIFICATE`.
public struct CertificateIssuedStep: FlowStep {
    public let record = CertificateOfOrigin.recordName
    public let sender = PartnerRole.licensingAuthority
    public let routes = [FlowRoute(.role(.aseanNSW), CertificateOfOrigin.recordName, required: false)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let certificate = try message.decode(CertificateOfOrigin.self)
        let number = certificate.certificateNumber
        let key = CaseKind.certificate.businessKey(number)
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, number, context: context)
        let country = certificate.importingCountry
        let nsw = context.partners.destinations(.aseanNSW, receiving: record, in: context.specs, where: { $0.country == country }).first?.partner
        let transition = try deciding(message) { () throws(GatewayError) in
            try DocumentLifecycle.issued(certificate, known: certificateCase.exists, nsw: nsw?.id)
        }
        return FlowOutcome(businessKey: key, produced: try nsw.map { nsw throws(GatewayError) in try context.translate(message, into: record, for: nsw, businessKey: key) } ?? [],
                           events: transition.events(of: .certificate, number, by: partner.id, signer: signer.subject, at: context.now),
                           updates: [try certificateCase.update(transition.status, transition.facts)])
    }
}

/// World §3 flow 3, outbound step 3: the partner NSW's synchronous ACK decides — `RECEIVED`
/// makes the certificate `FORWARDED`, `REJECTED` makes it `PARTNER_REJECTED`. The ASW README
/// says to act on the ACK's status, not on the HTTP status.
public struct FormDDeliveredStep: DeliveryStep {
    public let record = CertificateOfOrigin.recordName
    public let receiver = PartnerRole.aseanNSW

    public init() {}

    public func delivered(_ message: StoredMessage, answer: DeliveryAnswer, context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        guard let key = message.businessKey, let number = CaseKind.certificate.key(inBusinessKey: key) else { return FlowOutcome(businessKey: nil) }
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, number, context: context)
        let ack = (try? AseanAcknowledgementStep.read(answer.body, from: message.partner, context: context)).flatMap(AseanAcknowledgementStep.verdict)
        let transition = DocumentLifecycle.answered(ack: ack, httpAccepted: answer.accepted, httpStatus: answer.httpStatus, by: message.partner,
                                                    facts: certificateCase.facts)
        return FlowOutcome(businessKey: key,
                           events: transition.events(of: .certificate, certificateCase.key, by: message.partner, signer: nil, messageId: message.id,
                                                     at: context.now),
                           updates: [try certificateCase.update(transition.status, transition.facts)])
    }
}

/// World §3 flow 3, outbound step 4: the partner NSW's asynchronous ACK of a Form D the gateway
/// sent — `PARTNER_ACCEPTED` or `PARTNER_REJECTED`. An ACK of a message the gateway never sent to
/// that NSW is `409 REFERENCE_NOT_FOUND`. ACKs are not acknowledged with an ACK: the answer is 202.
public struct AseanAcknowledgementStep: FlowStep {
    public let record = Acknowledgement.recordName
    public let sender = PartnerRole.aseanNSW

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let ack = try message.decode(Acknowledgement.self)
        let reference = message.envelope.reference ?? ""
        guard let sent = try await context.store.message(reference), sent.direction == .outbound, sent.partner == partner.id,
              let key = sent.businessKey, let number = CaseKind.certificate.key(inBusinessKey: key) else {
            throw GatewayError(AseanCodes.referenceNotFound, "The gateway sent no message \(reference) to \(partner.id).",
                               path: message.spec.documentPath(of: .reference))
        }
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, number, context: context)
        guard let verdict = Self.verdict(ack),
              let transition = DocumentLifecycle.acknowledged(verdict, by: partner.id, facts: certificateCase.facts) else { return FlowOutcome(businessKey: key) }
        return FlowOutcome(businessKey: key,
                           events: transition.events(of: .certificate, certificateCase.key, by: partner.id, signer: signer.subject, at: context.now),
                           updates: [try certificateCase.update(transition.status, transition.facts)])
    }

    /// An ACK as a verdict: its status, and its problems as the text.
    static func verdict(_ ack: Acknowledgement) -> Verdict? {
        Verdict.Status(rawValue: ack.status).map { Verdict($0, text: describe(ack.errors)) }
    }

    /// An ACK a partner NSW answered with, verified against that NSW's trust.
    static func read(_ body: [UInt8], from partnerId: String, context: FlowContext) throws(GatewayError) -> Acknowledgement {
        guard let partner = context.partners.partner(partnerId) else { throw GatewayError(.internalError, "No partner \(partnerId).") }
        let verified = try SignedMessageVerifier(trust: partner.trust).verify(body, at: context.now)
        return try context.specs.read(verified.content).decode(Acknowledgement.self)
    }

    static func describe(_ errors: [Acknowledgement.Problem]?) -> String {
        (errors ?? []).map { "\($0.code): \($0.description)" }.joined(separator: "; ")
    }
}
