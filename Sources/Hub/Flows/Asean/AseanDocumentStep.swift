import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 3, inbound: a Form D or an ACDD from another ASEAN NSW. The synchronous
/// answer is the signed `ACK` `RECEIVED`; the document goes to customs, and the sender gets
/// the asynchronous `ACK` once customs answered (`AseanRecordDeliveredStep`). The ASW
/// README's asynchronous refusals — a document for another importing country
/// (`IMPORTING_COUNTRY_MISMATCH`), a document number already accepted under another MessageID
/// (`DUPLICATE_DOCUMENT`) — are an `ACK` `REJECTED` at once, and nothing goes to customs.
public struct AseanDocumentStep: FlowStep {
    let document: AseanDocument

    public init(_ document: AseanDocument) {
        self.document = document
    }

    public var record: String { document.record }
    public var sender: PartnerRole { .aseanNSW }
    public var routes: [FlowRoute] {
        [FlowRoute(.senderAtOnce, Acknowledgement.recordName), FlowRoute(.sender, Acknowledgement.recordName),
         FlowRoute(.role(.customs), document.record)]
    }

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let content = try document.read(message)
        let key = "\(document.kind.rawValue)/\(content.number)"
        let documentCase = try await TypedCase<DocumentFacts>.load(document.kind, content.number, context: context)
        var outcome = FlowOutcome(businessKey: key)
        outcome.answer = try context.answer(message, to: partner, inputs: Translator.Inputs(verdicts: [.received]))
        let (refusal, transition) = DocumentLifecycle.received(content, from: message.envelope.sender, own: AseanConventions.ownNSW,
                                                               status: documentCase.status, facts: try document.facts(of: message, from: partner))
        if let transition {
            outcome.events += transition.events(of: document.kind, content.number, by: partner.id, signer: signer.subject, at: context.now)
            outcome.updates.append(try documentCase.update(transition.status, transition.facts))
        }
        if let refusal {
            outcome.produced += try context.translate(message, into: Acknowledgement.recordName, for: partner,
                                                      inputs: Translator.Inputs(verdicts: [refusal]), businessKey: key)
        } else {
            outcome.produced += try context.translate(message, into: document.record, for: .customs, businessKey: key)
        }
        return outcome
    }
}

/// The two documents ASEAN NSWs send to Viet Nam, as the hub tracks them.
public enum AseanDocument: Sendable {
    case certificate, declaration

    var kind: CaseKind { self == .certificate ? .certificate : .exportDeclaration }
    var name: String { self == .certificate ? "Certificate of origin" : "Export declaration" }
    /// Its canonical record, which customs receives as it came.
    var record: String { self == .certificate ? CertificateOfOrigin.recordName : AseanDeclaration.recordName }

    /// What the lifecycle checks of a document: its number, countries and goods lines.
    func read(_ message: ReadMessage) throws(GatewayError) -> DocumentLifecycle.Content {
        switch self {
        case .certificate:
            let certificate = try message.decode(CertificateOfOrigin.self)
            return DocumentLifecycle.Content(name: name, number: certificate.certificateNumber, importingCountry: certificate.importingCountry,
                                             exportingCountry: certificate.exportingCountry,
                                             lines: certificate.goodsLines.map { ($0.lineNo, $0.hsCode) })
        case .declaration:
            let declaration = try message.decode(AseanDeclaration.self)
            return DocumentLifecycle.Content(name: name, number: declaration.exportDeclarationNumber,
                                             importingCountry: declaration.importingCountry, exportingCountry: declaration.exportingCountry,
                                             lines: declaration.goodsLines.map { ($0.lineNo, $0.hsCode) })
        }
    }

    /// The document as its case keeps it, from the NSW that sent it.
    func facts(of message: ReadMessage, from partner: Partner) throws(GatewayError) -> DocumentFacts {
        switch self {
        case .certificate: DocumentFacts(certificate: try message.decode(CertificateOfOrigin.self), nsw: partner.id)
        case .declaration: DocumentFacts(declaration: try message.decode(AseanDeclaration.self), nsw: partner.id)
        }
    }
}

/// World §3 flow 3, inbound step 3: customs' answer to the record decides the asynchronous
/// `ACK` to the sending NSW — `ACCEPTED` for a 202, `REJECTED` (`DOCUMENT_REJECTED_BY_CUSTOMS`)
/// for a refusal.
public struct AseanRecordDeliveredStep: DeliveryStep {
    let document: AseanDocument

    public init(_ document: AseanDocument) {
        self.document = document
    }

    public var record: String { document.record }
    public var receiver: PartnerRole { .customs }

    public func delivered(_ message: StoredMessage, answer: DeliveryAnswer, context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        guard let cause = message.causedBy, let inbound = try await context.store.message(cause),
              let sender = context.partners.partner(inbound.partner) else {
            throw GatewayError(.internalError, "\(message.id) was not caused by a message of an ASEAN NSW.")
        }
        let sent = try context.specs.read(inbound.body)
        let kind = document
        let number = try kind.read(sent).number
        let documentCase = try await TypedCase<DocumentFacts>.load(kind.kind, number, context: context)
        let (verdict, transition) = DocumentLifecycle.customsAnswered(accepted: answer.accepted, reason: Self.reason(answer), by: message.partner,
                                                                      facts: documentCase.facts)
        let acks = try context.translate(sent, into: Acknowledgement.recordName, for: sender, inputs: Translator.Inputs(verdicts: [verdict]),
                                         businessKey: message.businessKey ?? "\(kind.kind.rawValue)/\(number)")
        return FlowOutcome(businessKey: message.businessKey, produced: acks,
                           events: transition.events(of: kind.kind, number, by: message.partner, signer: nil, messageId: message.id, at: context.now),
                           updates: [try documentCase.update(transition.status, transition.facts)])
    }

    /// Customs' own words, from its error body (world §1.3).
    static func reason(_ answer: DeliveryAnswer) -> String {
        let body = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        let code = body?["error"] as? String
        let message = body?["message"] as? String
        return "Customs refused the document (HTTP \(answer.httpStatus.map(String.init) ?? "?")\(code.map { " \($0)" } ?? ""))\(message.map { ": \($0)" } ?? ".")"
    }
}
