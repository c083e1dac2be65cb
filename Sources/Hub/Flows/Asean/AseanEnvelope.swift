import Foundation
import GatewayCore
import HardenedXML

/// The header of an `ASWMessage` as the envelope rules of the ASW README see it, read before
/// the spec so that a broken envelope is refused with the ASW's own codes.
struct AseanEnvelope {
    static let namespace = "urn:asean:asw:msg:1"
    static let bodies = ["FORM_D": "ATIGAFormD", "ACDD": "ACDD", "ACK": "Acknowledgement"]

    let messageId: String?
    let messageType: String?
    let sender: String?
    let receiver: String?
    let hasReference: Bool
    /// The element inside `MessageBody`, and the number of the document it carries.
    let body: String?
    let documentReference: String?

    /// Nil when the bytes are not an `ASWMessage` at all.
    init?(_ bytes: [UInt8]) {
        guard let document = try? HardenedXMLParser().parse(bytes), let root = document.rootElement,
              root.isElement("ASWMessage", namespace: Self.namespace) else { return nil }
        let header = root.firstChild("MessageHeader", namespace: Self.namespace)
        func text(_ name: String) -> String? {
            header?.firstChild(name, namespace: Self.namespace).map { $0.textContent.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        messageId = text("MessageID")
        messageType = text("MessageType")
        sender = text("SenderNSW")
        receiver = text("ReceiverNSW")
        hasReference = text("ReferenceMessageID") != nil
        let content = root.firstChild("MessageBody", namespace: Self.namespace)?.childElements.first
        body = content?.localName
        documentReference = (content?.firstChild("CertificateReferenceNo", namespace: Self.namespace)
            ?? content?.firstChild("ExportDeclarationNo", namespace: Self.namespace))?.textContent
    }

    /// The synchronous envelope checks of the ASW README, in its order of codes.
    func check(ownNSW: String, signerCountry: String?, partnerCountry: String?) throws(GatewayError) {
        guard let messageType, let body, let sender, let receiver else { return }  // the schema names what is missing
        guard Self.bodies[messageType] == body else {
            throw GatewayError(AseanCodes.messageTypeMismatch, "MessageType \(messageType) does not match the body \(body).",
                               path: "/ASWMessage/MessageHeader/MessageType")
        }
        guard hasReference == (messageType == "ACK") else {
            throw GatewayError(AseanCodes.messageTypeMismatch,
                               messageType == "ACK" ? "An ACK must name the message it acknowledges in ReferenceMessageID."
                                                    : "Only an ACK carries a ReferenceMessageID.",
                               path: "/ASWMessage/MessageHeader/ReferenceMessageID")
        }
        guard receiver == ownNSW else {
            throw GatewayError(AseanCodes.unknownReceiver, "ReceiverNSW is \(receiver); this is the NSW of \(ownNSW).",
                               path: "/ASWMessage/MessageHeader/ReceiverNSW")
        }
        guard sender == signerCountry, sender == partnerCountry else {
            throw GatewayError(.signatureInvalid,
                               "SenderNSW is \(sender) but the message is signed by a certificate of \(signerCountry ?? "no country") and came from the NSW of \(partnerCountry ?? "?").",
                               path: "/ASWMessage/MessageHeader/SenderNSW")
        }
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
