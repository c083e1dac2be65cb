import Foundation
import GatewayCore
import MessageSpecs
import Signatures

/// The ASEAN NSWs' synchronous side (the asean role's conventions): envelope rules checked before
/// the spec, on the envelope the specs describe, and every synchronous refusal answered with the
/// partner's own answer (`answers`, a signed `ACK` `REJECTED`) carrying the ASW code — HTTP 400
/// (`SCHEMA_INVALID`, `MESSAGE_TYPE_MISMATCH`), 401 (`SIGNATURE_INVALID`) or 403 (`UNKNOWN_RECEIVER`).
/// What cannot be read far enough for an ACK, and refusals of ACKs, get the common JSON body.
struct AseanConventions: PartnerConventions {
    static let ownNSW = "VN"

    /// The synchronous envelope checks of the ASW README, in its order of codes.
    func check(_ content: [UInt8], signer: SignerIdentity, from partner: Partner, specs: SpecRegistry) throws(GatewayError) {
        // What is missing is for the schema to name.
        guard let reading = specs.envelope(content), let type = reading.declaredType, reading.hasAnyBody,
              let sender = reading.envelope.sender, let receiver = reading.envelope.receiver else { return }
        guard reading.hasBody else {
            throw GatewayError(AseanCodes.messageTypeMismatch, "The message type \(type) does not match the document in its body.",
                               path: reading.declaredTypePath)
        }
        let answers = reading.spec?.record == Acknowledgement.recordName
        guard (reading.envelope.reference != nil) == answers else {
            throw GatewayError(AseanCodes.messageTypeMismatch,
                               answers ? "An acknowledgement must name the message it acknowledges."
                                       : "Only an acknowledgement names a message it answers.",
                               path: reading.path(of: .reference))
        }
        guard receiver == Self.ownNSW else {
            throw GatewayError(AseanCodes.unknownReceiver, "The receiver is \(receiver); this is the NSW of \(Self.ownNSW).",
                               path: reading.path(of: .receiver))
        }
        let signerCountry = CertificateCountry.of(signer.subject)
        guard sender == signerCountry, sender == partner.country else {
            throw GatewayError(.signatureInvalid,
                               "The sender is \(sender) but the message is signed by a certificate of \(signerCountry ?? "no country") and came from the NSW of \(partner.country ?? "?").",
                               path: reading.path(of: .sender))
        }
    }

    func refusal(_ error: GatewayError, of body: [UInt8], from partner: Partner, context: FlowContext) -> InboundAnswer? {
        let code: ErrorCode
        switch error.code {
        case .schemaInvalid, .signatureInvalid, AseanCodes.messageTypeMismatch, AseanCodes.unknownReceiver: code = error.code
        // A signer the gateway does not accept for this NSW is, in ASW terms, a certificate not trusted for SenderNSW.
        case .notAllowed: code = .signatureInvalid
        default: return nil
        }
        guard let reading = context.specs.envelope(body), reading.spec?.record != Acknowledgement.recordName,
              let reference = reading.envelope.messageId, let answers = partner.answers else { return nil }
        let receiver = reading.envelope.sender.flatMap { $0.count == 2 ? $0 : nil } ?? partner.country
        let problems = error.details.isEmpty
            ? [Acknowledgement.Problem(code: code.rawValue, description: error.message)]
            : error.details.prefix(20).map { Acknowledgement.Problem(code: code.rawValue, description: $0.message, location: $0.path.isEmpty ? nil : $0.path) }
        let document = reading.fields["certificateNumber"] ?? reading.fields["exportDeclarationNumber"]
        let ack = Acknowledgement(status: Verdict.Status.rejected.rawValue, documentReference: document, errors: Array(problems))
        let header = MessageEnvelope(sender: Self.ownNSW, receiver: receiver, reference: reference)
        guard let output = try? context.translator.write(ack, as: answers, envelope: header),
              let answer = try? context.outbound.answer(output, for: partner.id) else { return nil }
        return InboundAnswer(status: code.httpStatus, contentType: answer.contentType, body: answer.body)
    }
}

/// The error codes of the ASW README that the gateway answers synchronously.
enum AseanCodes {
    static let messageTypeMismatch = ErrorCode("MESSAGE_TYPE_MISMATCH", httpStatus: 400)
    static let unknownReceiver = ErrorCode("UNKNOWN_RECEIVER", httpStatus: 403)
    static let referenceNotFound = ErrorCode(rawValue: "REFERENCE_NOT_FOUND")
}

/// The `C=` attribute of a certificate subject (`CN=asw-gw.asw-sg.example,O=…,C=SG`).
enum CertificateCountry {
    static func of(_ subject: String) -> String? {
        subject.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("C=") }.map { String($0.dropFirst(2)) }
    }
}
