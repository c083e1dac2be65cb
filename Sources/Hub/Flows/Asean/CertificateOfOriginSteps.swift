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
        let key = "certificate/\(number)"
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, number, context: context)
        guard !certificateCase.exists else {
            throw GatewayError(ErrorCode(rawValue: "DUPLICATE_CERTIFICATE"), "Certificate \(number) was already accepted under another MessageId.",
                               path: message.spec.documentPath(ofField: "certificateNumber"))
        }
        let country = certificate.importingCountry
        guard let nsw = context.partners.destinations(.aseanNSW, receiving: record, in: context.specs, where: { $0.country == country }).first?.partner else {
            return FlowOutcome(businessKey: key, events: [
                certificateCase.event("not-routable", .notRoutable, by: partner.id, signer: signer.subject, at: context.now,
                                      detail: "the NSW of \(country) is not connected"),
            ], updates: [try certificateCase.update(.notRoutable, DocumentFacts(certificate: certificate, nsw: nil))])
        }
        return FlowOutcome(businessKey: key, produced: try context.translate(message, into: record, for: nsw, businessKey: key),
                           events: [certificateCase.event("issued", nil, by: partner.id, signer: signer.subject, at: context.now,
                                                          detail: "Form D for \(nsw.id)")],
                           updates: [try certificateCase.update(nil, DocumentFacts(certificate: certificate, nsw: nsw.id))])
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
        guard let key = message.businessKey, key.hasPrefix("certificate/") else { return FlowOutcome(businessKey: nil) }
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, String(key.dropFirst("certificate/".count)), context: context)
        let ack = try? AseanAcknowledgementStep.read(answer.body, from: message.partner, context: context)
        let (status, said, detail): (CaseStatus, Verdict.Status, String) = switch (ack?.status, answer.accepted) {
        case ("RECEIVED", _), ("ACCEPTED", _): (.forwarded, .received, "ACK \(ack?.status ?? "")")
        case ("REJECTED", _): (.partnerRejected, .rejected, AseanAcknowledgementStep.describe(ack?.errors))
        case (_, true): (.forwarded, .received, "HTTP \(answer.httpStatus ?? 0) without a readable ACK")
        case (_, false): (.partnerRejected, .rejected, "HTTP \(answer.httpStatus ?? 0) without a readable ACK")
        }
        let facts = certificateCase.facts?.answered(DocumentFacts.Answer(by: message.partner, status: said, detail: detail))
        return FlowOutcome(businessKey: key, events: [
            certificateCase.event(status.rawValue.lowercased(), status, by: message.partner, signer: nil, messageId: message.id, at: context.now,
                                  detail: detail),
        ], updates: [try certificateCase.update(status, facts)])
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
              let key = sent.businessKey, key.hasPrefix("certificate/") else {
            throw GatewayError(AseanCodes.referenceNotFound, "The gateway sent no message \(reference) to \(partner.id).",
                               path: message.spec.documentPath(of: .reference))
        }
        let certificateCase = try await TypedCase<DocumentFacts>.load(.certificate, String(key.dropFirst("certificate/".count)), context: context)
        let (status, said): (CaseStatus?, Verdict.Status?) = switch Verdict.Status(rawValue: ack.status) {
        case .accepted: (.partnerAccepted, .accepted)
        case .rejected: (.partnerRejected, .rejected)
        default: (nil, nil)  // a RECEIVED sent afterwards changes nothing
        }
        guard let status, let said else { return FlowOutcome(businessKey: key) }
        let detail = said == .rejected ? Self.describe(ack.errors) : "ACK ACCEPTED"
        let facts = certificateCase.facts?.answered(DocumentFacts.Answer(by: partner.id, status: said, detail: detail))
        return FlowOutcome(businessKey: key, events: [
            certificateCase.event(status.rawValue.lowercased(), status, by: partner.id, signer: signer.subject, at: context.now, detail: detail),
        ], updates: [try certificateCase.update(status, facts)])
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
