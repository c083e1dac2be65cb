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
        let new = CaseCondition(kind: .certificate, key: number, allowed: [nil],
                                refusal: GatewayError(ErrorCode(rawValue: "DUPLICATE_CERTIFICATE"),
                                                      "Certificate \(number) was already accepted under another MessageId.",
                                                      path: message.spec.documentPath(ofField: "certificateNumber")))
        let country = certificate.importingCountry
        guard let nsw = context.partners.destinations(.aseanNSW, receiving: record, in: context.specs, where: { $0.country == country }).first?.partner else {
            return FlowOutcome(businessKey: key, events: [
                CaseEvent(kind: .certificate, key: number, event: "not-routable", status: .notRoutable, partner: partner.id, messageId: nil,
                          signer: signer.subject, at: context.now, detail: "the NSW of \(country) is not connected"),
            ], conditions: [new])
        }
        return FlowOutcome(businessKey: key, produced: try context.translate(message, into: record, for: nsw, businessKey: key),
                           events: [CaseEvent(kind: .certificate, key: number, event: "issued", status: nil, partner: partner.id,
                                              messageId: nil, signer: signer.subject, at: context.now, detail: "Form D for \(nsw.id)")],
                           conditions: [new])
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
        let number = String(key.dropFirst("certificate/".count))
        let ack = try? AseanAcknowledgementStep.read(answer.body, from: message.partner, context: context)
        let (status, detail): (CaseStatus, String) = switch (ack?.status, answer.accepted) {
        case ("RECEIVED", _), ("ACCEPTED", _): (.forwarded, "ACK \(ack?.status ?? "")")
        case ("REJECTED", _): (.partnerRejected, AseanAcknowledgementStep.describe(ack?.errors))
        case (_, true): (.forwarded, "HTTP \(answer.httpStatus ?? 0) without a readable ACK")
        case (_, false): (.partnerRejected, "HTTP \(answer.httpStatus ?? 0) without a readable ACK")
        }
        return FlowOutcome(businessKey: key, events: [
            CaseEvent(kind: .certificate, key: number, event: status.rawValue.lowercased(), status: status, partner: message.partner,
                      messageId: message.id, signer: nil, at: context.now, detail: detail),
        ])
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
        let number = String(key.dropFirst("certificate/".count))
        let status: CaseStatus? = switch ack.status {
        case "ACCEPTED": .partnerAccepted
        case "REJECTED": .partnerRejected
        default: nil  // a RECEIVED sent afterwards changes nothing
        }
        guard let status else { return FlowOutcome(businessKey: key) }
        return FlowOutcome(businessKey: key, events: [
            CaseEvent(kind: .certificate, key: number, event: status.rawValue.lowercased(), status: status, partner: partner.id, messageId: nil,
                      signer: signer.subject, at: context.now, detail: ack.status == "REJECTED" ? Self.describe(ack.errors) : "ACK ACCEPTED"),
        ])
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
