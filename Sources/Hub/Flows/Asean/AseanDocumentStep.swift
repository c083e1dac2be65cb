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
        let read = try document.read(message)
        let (number, importingCountry) = (read.number, read.importingCountry)
        let key = "\(document.kind.rawValue)/\(number)"
        let documentCase = try await TypedCase<DocumentFacts>.load(document.kind, number, context: context)
        let status = documentCase.status
        let facts = try document.facts(of: message, from: partner)
        var outcome = FlowOutcome(businessKey: key)
        outcome.answer = try context.answer(message, to: partner, inputs: Translator.Inputs(verdicts: [.received]))
        let refusal: Verdict? = if importingCountry != AseanConventions.ownNSW {
            Verdict(.rejected, code: "IMPORTING_COUNTRY_MISMATCH",
                    text: "The document is for importing country \(importingCountry); this is the NSW of \(AseanConventions.ownNSW).")
        } else if status == .received || status == .accepted {
            Verdict(.rejected, code: "DUPLICATE_DOCUMENT",
                    text: "\(document.name) \(number) was already accepted under another MessageID.")
        } else if let (item, hsCode) = read.lines.first(where: { !HarmonizedSystem.isValid($0.hsCode) }) {
            Verdict(.rejected, code: "INVALID_HS_CODE",
                    text: "Item \(item): HS code \(hsCode) is not a heading of the Harmonized System that Viet Nam's tariff (AHTN) follows.")
        } else if let sender = message.envelope.sender, read.exportingCountry != sender {
            Verdict(.rejected, code: "BUSINESS_RULE_VIOLATION",
                    text: "The document's exporting country is \(read.exportingCountry ?? "missing"); it was sent by the NSW of \(sender).")
        } else {
            nil
        }
        if let refusal {
            // A duplicate leaves the accepted document's case as it is.
            if refusal.code != "DUPLICATE_DOCUMENT" {
                let detail = "\(refusal.code ?? ""): \(refusal.text ?? "")"
                outcome.events.append(documentCase.event("rejected", .rejected, by: partner.id, signer: signer.subject, at: context.now, detail: detail))
                outcome.updates.append(try documentCase.update(.rejected, facts.answered(DocumentFacts.Answer(by: "gateway", status: .rejected, detail: detail))))
            }
            outcome.produced += try context.translate(message, into: Acknowledgement.recordName, for: partner,
                                                      inputs: Translator.Inputs(verdicts: [refusal]), businessKey: key)
            return outcome
        }
        outcome.events.append(documentCase.event("received", .received, by: partner.id, signer: signer.subject, at: context.now,
                                                 detail: "from \(partner.id)"))
        outcome.updates.append(try documentCase.update(.received, facts))
        outcome.produced += try context.translate(message, into: document.record, for: .customs, businessKey: key)
        return outcome
    }
}

/// The Harmonized System as far as the gateway can judge a code without the full tariff: the
/// first two digits are a chapter, 01 to 97, and chapter 77 is reserved by the World Customs
/// Organization for future use. Viet Nam's AHTN subdivides these chapters.
enum HarmonizedSystem {
    static func isValid(_ code: String) -> Bool {
        guard code.count >= 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber), let chapter = Int(code.prefix(2)) else { return false }
        return (1...97).contains(chapter) && chapter != 77
    }
}

/// The two documents ASEAN NSWs send to Viet Nam, as the hub tracks them.
public enum AseanDocument: Sendable {
    case certificate, declaration

    var kind: CaseKind { self == .certificate ? .certificate : .exportDeclaration }
    var name: String { self == .certificate ? "Certificate of origin" : "Export declaration" }
    /// Its canonical record, which customs receives as it came.
    var record: String { self == .certificate ? CertificateOfOrigin.recordName : AseanDeclaration.recordName }

    /// What the hub checks of a document: its number, countries and goods lines.
    struct Content {
        let number: String
        let importingCountry: String
        let exportingCountry: String?
        let lines: [(item: Int, hsCode: String)]
    }

    func read(_ message: ReadMessage) throws(GatewayError) -> Content {
        switch self {
        case .certificate:
            let certificate = try message.decode(CertificateOfOrigin.self)
            return Content(number: certificate.certificateNumber, importingCountry: certificate.importingCountry,
                           exportingCountry: certificate.exportingCountry, lines: certificate.goodsLines.map { ($0.lineNo, $0.hsCode) })
        case .declaration:
            let declaration = try message.decode(AseanDeclaration.self)
            return Content(number: declaration.exportDeclarationNumber, importingCountry: declaration.importingCountry,
                           exportingCountry: declaration.exportingCountry, lines: declaration.goodsLines.map { ($0.lineNo, $0.hsCode) })
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
        let verdict = answer.accepted
            ? .accepted
            : Verdict(.rejected, code: "DOCUMENT_REJECTED_BY_CUSTOMS", text: Self.reason(answer))
        let acks = try context.translate(sent, into: Acknowledgement.recordName, for: sender, inputs: Translator.Inputs(verdicts: [verdict]),
                                         businessKey: message.businessKey ?? "\(kind.kind.rawValue)/\(number)")
        let documentCase = try await TypedCase<DocumentFacts>.load(kind.kind, number, context: context)
        let status: CaseStatus = answer.accepted ? .accepted : .rejected
        let detail = verdict.code.map { "\($0): \(verdict.text ?? "")" } ?? "customs took the record"
        return FlowOutcome(
            businessKey: message.businessKey,
            produced: acks,
            events: [documentCase.event(status.rawValue.lowercased(), status, by: sender.id, signer: nil, at: context.now, detail: detail)],
            updates: [try documentCase.update(status, documentCase.facts?.answered(DocumentFacts.Answer(by: message.partner, status: verdict.status,
                                                                                                         detail: detail)))])
    }

    /// customs-core's own words, from its JSON error body.
    static func reason(_ answer: DeliveryAnswer) -> String {
        let body = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        let code = body?["error"] as? String
        let message = body?["message"] as? String
        return "Customs refused the document (HTTP \(answer.httpStatus.map(String.init) ?? "?")\(code.map { " \($0)" } ?? ""))\(message.map { ": \($0)" } ?? ".")"
    }
}
