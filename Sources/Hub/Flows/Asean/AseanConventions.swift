import Foundation
import GatewayCore
import MessageSpecs
import Signatures

/// The ASW README's synchronous side: envelope rules checked before the spec, and every
/// synchronous refusal answered with a signed `ACK` `REJECTED` carrying the ASW code — HTTP 400
/// (`SCHEMA_INVALID`, `MESSAGE_TYPE_MISMATCH`), 401 (`SIGNATURE_INVALID`) or 403 (`UNKNOWN_RECEIVER`).
/// What cannot be read far enough for an ACK, and refusals of ACKs, get the common JSON body.
struct AseanConventions: PartnerConventions {
    static let ownNSW = "VN"

    func check(_ content: [UInt8], signer: SignerIdentity, from partner: Partner) throws(GatewayError) {
        try AseanEnvelope(content)?.check(ownNSW: Self.ownNSW, signerCountry: CertificateCountry.of(signer.subject),
                                          partnerCountry: partner.country)
    }

    func refusal(_ error: GatewayError, of body: [UInt8], from partner: Partner, context: FlowContext) -> InboundAnswer? {
        let code: ErrorCode
        switch error.code {
        case .schemaInvalid, .signatureInvalid, AseanCodes.messageTypeMismatch, AseanCodes.unknownReceiver: code = error.code
        // A signer the gateway does not accept for this NSW is, in ASW terms, a certificate not trusted for SenderNSW.
        case .notAllowed: code = .signatureInvalid
        default: return nil
        }
        guard let envelope = AseanEnvelope(body), envelope.messageType != "ACK", let reference = envelope.messageId else { return nil }
        let receiver = envelope.sender.flatMap { $0.count == 2 ? $0 : nil } ?? partner.country
        let problems = error.details.isEmpty
            ? [Acknowledgement.Problem(code: code.rawValue, description: error.message)]
            : error.details.prefix(20).map { Acknowledgement.Problem(code: code.rawValue, description: $0.message, location: $0.path.isEmpty ? nil : $0.path) }
        let ack = Acknowledgement(status: "REJECTED", documentReference: envelope.documentReference, errors: Array(problems))
        let header = MessageEnvelope(sender: Self.ownNSW, receiver: receiver, reference: reference)
        guard let answers = partner.answers, let output = try? context.translator.write(ack, as: answers, envelope: header),
              let answer = try? context.outbound.answer(output, for: partner.id) else { return nil }
        return InboundAnswer(status: code.httpStatus, contentType: answer.contentType, body: answer.body)
    }
}
